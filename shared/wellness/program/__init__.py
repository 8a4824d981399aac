"""The program domain (PostgreSQL): a seeded catalog of programs, enrollments, daily tasks and completions."""
