"""The visit planner: /visit/?ids=… and its fields in the shared facility data chunks (facility-data/<k>.json)."""
