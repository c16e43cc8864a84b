"""The RQ side: job entry points, the worker and scheduler bootstrap, the periodic-job registry."""
