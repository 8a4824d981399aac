"""The load tool (`scripts/load`): the app's day as a load model, run by Locust, with a report.

`model.py` (proportions and think times), `users.py` (the Locust users that carry it out),
`monitor.py` (CPU, memory and outbox backlog of a local stack while it runs), `report.py`,
`run.py` (the command) and `capacity.py` (the cloud capacity plan from the catalog and a report).
"""
