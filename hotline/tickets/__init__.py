"""Tickets (工单): the life-cycle, its events and its API."""
