"""The desktop app: the only package that imports PySide6. A thin layer over
`app.services`: network work runs on workers, the GUI thread only paints and reacts."""
