"""Facts: money, percentages, counts and dates, normalised against the publication date."""
