"""The inbox: my tasks, my group's and the team's; search; bulk reassign."""
