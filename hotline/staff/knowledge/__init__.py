"""The knowledge-base pages (/knowledge): every staff role reads, admins and supervisors edit."""
