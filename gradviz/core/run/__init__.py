"""Running a user's program away from the app: the runner, its forked children, and their walls."""
