"""What an interrupted run tells the user: one sentence shared by the launcher and the command line.

Kept apart (and free of heavy imports) so the launcher can print it before anything heavy is loaded.
"""

import os

MESSAGE = "已中断：已写出的文件都是完整的，未完成的文件没有写出。"


def exit_at_once(signum: int, frame: object) -> None:
    """SIGINT handler while modules load: nothing is written yet, so say so and exit 130 at once."""
    os.write(2, (MESSAGE + "\n").encode("utf-8"))
    os._exit(130)
