"""What the fault tests share: a frozen clock, so windows and penalties fall where the test says."""

FROZEN = """
chatsim: 1
seed: 7
clock: {start: "2026-01-01T00:00:00Z", frozen: true}
"""
# 2026-01-01T00:00:00Z is 08:00:00 in Beijing, where DingTalk's texts tell the time.
DEMO_APP = {"appkey": "dingdemoappkey", "appsecret": "dingdemoappsecret"}
