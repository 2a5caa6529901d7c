"""One article in, one Analysis out: the pipeline over the stages below, and its worker processes."""
