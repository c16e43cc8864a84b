"""Special supervisors (特邀监督员) and monitoring stations (监督测评站点): the oversight office
appoints and retires them here; what they file is a ticket (hotline/tickets/filed.py)."""
