"""Administrative reference: the units of 01/7/2025 and their predecessors (package data), and the
dataset skeleton ``ntm init`` writes from them."""
