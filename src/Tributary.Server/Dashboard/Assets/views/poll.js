// Polling for live views: calls tick every interval while keepGoing() says so, never two at once; returns stop().
export function poll(tick, intervalMs, keepGoing = () => true) {
  let stopped = false;
  let timer = null;
  const loop = async () => {
    if (stopped || !keepGoing()) {
      timer = null;
      return;
    }
    try {
      await tick();
    } finally {
      if (!stopped) {
        timer = setTimeout(loop, intervalMs);
      }
    }
  };
  timer = setTimeout(loop, intervalMs);
  return () => {
    stopped = true;
    if (timer) {
      clearTimeout(timer);
    }
  };
}
