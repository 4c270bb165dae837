"""Reading and running diagrams with SpiffWorkflow: parser, task specs, the script engine, state serialization, task-tree questions."""
