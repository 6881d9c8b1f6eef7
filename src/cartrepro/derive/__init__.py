"""Derived analysis sets (never stored in the data contract)."""
