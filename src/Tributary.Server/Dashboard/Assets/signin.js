// The sign-in page: the only script served without a session. It posts the key as JSON (a cross-site form cannot)
// and reloads the same URL, which now serves the dashboard.
const form = document.getElementById('signin-form');
const error = document.getElementById('signin-error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const secretKey = document.getElementById('secret-key').value.trim();
  try {
    const response = await fetch('session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ secret_key: secretKey }),
    });
    if (response.ok) {
      window.location.reload();
      return;
    }
    const body = await response.json().catch(() => null);
    error.textContent = body?.error?.message ?? `Sign-in failed (${response.status}).`;
  } catch (e) {
    error.textContent = `Sign-in failed: ${e.message}`;
  }
});
