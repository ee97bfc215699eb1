"""Files of the evaluation the office downloads: a pack's code sheet, the paper slip template, a
round's results (Excel, and CSV for the results)."""
