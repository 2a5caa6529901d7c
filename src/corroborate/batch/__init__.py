"""Batch jobs over corpora (Spark or local): input, output and the job."""
