"""The inspector dashboard (督查): figures, rankings, overdue, escalations, interviews, exports."""
