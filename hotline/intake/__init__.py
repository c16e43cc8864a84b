"""Channels complaints arrive by: phone, SMS, the web form and Open311."""
