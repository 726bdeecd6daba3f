"""Reports of a run: the JSON compliance report every run writes, and the views built from it."""
