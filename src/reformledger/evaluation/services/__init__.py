"""Every write of the evaluation, one module per noun: atomic, permission-checked, audited."""
