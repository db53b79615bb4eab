"""Pictures of news items, done once at upload: checked, cleaned, stored by content, resized.

- `rules`: what an upload may be (format, bytes, pixels), refused with a message in Chinese.
- `processing`: turn an upload into a clean original and its renditions, in memory.
- `files`: content-addressed names in the default storage; store and delete.
- `fields`: the model field that stores a picture when its item is saved.
- `cleanup`: files no item uses any more go after the transaction commits; orphans report.
- `markup`: `<picture>` with srcset for readers, OpenGraph and feed images.
"""
