"""The unit workbench (承办工作台): accept, return, extend, reply; heads see escalations."""
