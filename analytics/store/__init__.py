"""The processed store: file names, reader, territory view, writer, diff."""
