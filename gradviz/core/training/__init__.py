"""Training toy networks: data, models, the Trainer, its controls and step graphs."""
