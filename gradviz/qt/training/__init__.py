"""The training panel: form, run control, live plots, files, step graphs."""
