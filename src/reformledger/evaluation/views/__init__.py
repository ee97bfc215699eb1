"""Pages of the evaluation, one module per noun."""
