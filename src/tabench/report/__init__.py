"""Reports: the annotated write-up of one submission, and comparisons of models and protocols."""
