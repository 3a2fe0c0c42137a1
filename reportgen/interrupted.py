"""What an interrupted run tells the user: one sentence shared by the launcher and the command line.

Kept apart (and free of imports) so the launcher can print it before anything heavy is loaded.
"""

MESSAGE = "已中断：已写出的文件都是完整的，未完成的文件没有写出。"
