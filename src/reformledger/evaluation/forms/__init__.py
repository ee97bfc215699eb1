"""Form parsing of the evaluation pages, one module per noun: typed arguments for the services."""
