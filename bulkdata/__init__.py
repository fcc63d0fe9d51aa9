"""Data that enters and leaves in bulk: the legacy import and the exports."""
