"""The scheduler: periodic jobs (SPEC §10) run by one `flask scheduler` process, never inside the web app."""
