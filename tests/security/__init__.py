"""Bad input and access control."""
