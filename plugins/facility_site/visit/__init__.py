"""The visit planner: /visit/?ids=… and the per-office data it fetches (visit/data/<id>.json)."""
