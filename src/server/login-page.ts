/**
 * The page a browser gets (status 401) when the server has a token and the browser no session: a plain form,
 * no script (the dashboard's scripts are behind the token too), posted to /api/dashboard/session.
 */
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(error?: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · xhs-kit 控制台</title>
</head>
<body style="font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem">
<h1>xhs-kit 控制台</h1>
<p>此服务器需要令牌（XHS_SERVER_TOKEN）。</p>
${error ? `<p role="alert" style="color: #b00020">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/api/dashboard/session">
<label for="token">令牌</label><br>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus style="width: 100%; padding: .5rem; font-size: 1rem">
<p><button type="submit" style="padding: .5rem 1rem; font-size: 1rem">登录</button></p>
</form>
</body>
</html>
`;
}
