"""What a map says about itself: pure readings of a map snapshot (`Board.to_dict()`), for the board and exports."""
