"""Statistics used to reproduce the papers' tables and figures.

Submodules are imported explicitly (``from cartrepro.stats.survival import kaplan_meier``) so that
importing the package stays cheap.
"""
