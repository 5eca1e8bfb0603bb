"""cgresearch."""
