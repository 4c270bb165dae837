"""Routes: thin handlers that call one service function each."""
