"""The glossary (用語集): content/glossary.yaml → the /glossary/ page and first-use links on every page."""
