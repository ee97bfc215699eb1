"""Form parsing of the evaluation's pages, one module per noun."""
