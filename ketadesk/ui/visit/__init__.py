"""The visit workspace: the banner over its four sections, and the pieces the sections share."""
