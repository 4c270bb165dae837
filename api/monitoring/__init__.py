"""Sturingsinformatie in the web app: dashboards, the team's week, click-through, exports, forecast, evaluation."""
