import { loadAll } from '../actions/load'
import { useStore } from '../store/store'

/** Shown while the backend answers 401: how to sign in (the link the launcher or backend printed). */
export function SignInRequired() {
  const problem = useStore((s) => s.signInProblem)
  return (
    <div className="page">
      <section className="error-box" aria-labelledby="sign-in-heading">
        <h1 id="sign-in-heading">Sign in required</h1>
        <p>
          Your backend answers only you. Open the sign-in link that the launcher (
          <code>pnpm dev:distributed</code>) or your backend printed when it started; it looks like{' '}
          <code>http://localhost:3000/?code=…</code>. Each link works once.
        </p>
        {problem && <p role="alert">{problem}</p>}
        <button type="button" className="button button-primary" onClick={() => void loadAll()}>
          I have signed in — try again
        </button>
      </section>
    </div>
  )
}
