"""``reportgen serve``: a local web workbench over a folder of input files.

The files in the folder stay the source of truth: the pages read them, the form writes them back
(keeping the user's comments), and builds go through the same pipeline as ``reportgen build``.
Starlette, uvicorn and ruamel.yaml are imported only here, so the command line stays fast.
"""
