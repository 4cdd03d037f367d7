"""Routing learned from history: the content class and the lead unit an order like this one got,
from the seat's own dispatched and closed orders (a linear model on character n-grams and words,
numpy only), with the words that led to each suggestion; the unit directory's keywords while the
history is thin. Light on import: the modules load numpy and the segmenter when used."""
