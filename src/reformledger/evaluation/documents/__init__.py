"""Files of the evaluation (Word, Excel) on ``core.exporters``, one module per noun."""
