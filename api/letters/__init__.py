"""Letters: download, review, and the print street."""
