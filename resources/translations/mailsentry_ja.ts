<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP" sourcelanguage="en">
<context>
    <name>AccountDialog</name>
    <message>
        <source>Add a mail account</source>
        <translation>メールアカウントの追加</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>接続テストの結果</translation>
    </message>
    <message>
        <source>Enter your e-mail address and password. MailSentry fills in the server settings for well-known providers and guesses them for others; check them, then test the connection.</source>
        <translation>メールアドレスとパスワードを入力してください。主なプロバイダーのサーバー設定は MailSentry が自動で入力し、それ以外は推測して入力します。内容を確認してから、接続をテストしてください。</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>メールアドレス</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>パスワード</translation>
    </message>
    <message>
        <source>E-&amp;mail address:</source>
        <translation>メールアドレス(&amp;M):</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>パスワード(&amp;P):</translation>
    </message>
    <message>
        <source>About this provider</source>
        <translation>このプロバイダーについて</translation>
    </message>
    <message>
        <source>Server settings</source>
        <translation>サーバーの設定</translation>
    </message>
    <message>
        <source>Suggested servers</source>
        <translation>候補のサーバー</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>プロトコル</translation>
    </message>
    <message>
        <source>IMAP (recommended: can quarantine on the server)</source>
        <translation>IMAP（推奨: サーバー上で隔離できます）</translation>
    </message>
    <message>
        <source>POP3</source>
        <translation>POP3</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>サーバー</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>ポート</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>接続の保護</translation>
    </message>
    <message>
        <source>SSL/TLS</source>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>None (unencrypted)</source>
        <translation>なし（暗号化しない）</translation>
    </message>
    <message>
        <source>&amp;Allow sending my password unencrypted to this server</source>
        <translation>このサーバーにはパスワードを暗号化せずに送ることを許可する(&amp;A)</translation>
    </message>
    <message>
        <source>Allow unencrypted password</source>
        <translation>暗号化しないパスワード送信を許可</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>ユーザー名</translation>
    </message>
    <message>
        <source>Folders to check</source>
        <translation>チェックするフォルダー</translation>
    </message>
    <message>
        <source>IMAP folders to check, separated by commas.</source>
        <translation>チェックする IMAP フォルダーです。複数の場合はカンマで区切ります。</translation>
    </message>
    <message>
        <source>Quarantine folder</source>
        <translation>隔離フォルダー</translation>
    </message>
    <message>
        <source>The IMAP folder dangerous mail is moved to; created when first needed.</source>
        <translation>危険なメールの移動先の IMAP フォルダーです。初めて必要になったときに作成されます。</translation>
    </message>
    <message>
        <source>Extra CA certificates file</source>
        <translation>追加の CA 証明書ファイル</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>省略可</translation>
    </message>
    <message>
        <source>A file of CA certificates to trust for this server as well as the system&apos;s (for a company&apos;s own certificate authority).</source>
        <translation>システムの CA 証明書に加えて、このサーバーで信頼する CA 証明書のファイルです（社内の認証局を使う場合など）。</translation>
    </message>
    <message>
        <source>Su&amp;ggested servers:</source>
        <translation>候補のサーバー(&amp;G):</translation>
    </message>
    <message>
        <source>Protoco&amp;l:</source>
        <translation>プロトコル(&amp;L):</translation>
    </message>
    <message>
        <source>Ser&amp;ver:</source>
        <translation>サーバー(&amp;V):</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>ポート(&amp;O):</translation>
    </message>
    <message>
        <source>S&amp;ecurity:</source>
        <translation>接続の保護(&amp;E):</translation>
    </message>
    <message>
        <source>User &amp;name:</source>
        <translation>ユーザー名(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;Folders to check:</source>
        <translation>チェックするフォルダー(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Quarantine folder:</source>
        <translation>隔離フォルダー(&amp;Q):</translation>
    </message>
    <message>
        <source>Extra &amp;CA certificates:</source>
        <translation>追加の CA 証明書(&amp;C):</translation>
    </message>
    <message>
        <source>What to do with flagged mail in this account</source>
        <translation>このアカウントで危険・不審と判定されたメールの扱い</translation>
    </message>
    <message>
        <source>Dangerous mail</source>
        <translation>危険なメール</translation>
    </message>
    <message>
        <source>Suspicious mail</source>
        <translation>不審なメール</translation>
    </message>
    <message>
        <source>&amp;Dangerous mail:</source>
        <translation>危険なメール(&amp;D):</translation>
    </message>
    <message>
        <source>Suspicious ma&amp;il:</source>
        <translation>不審なメール(&amp;I):</translation>
    </message>
    <message>
        <source>The server&apos;s certificate</source>
        <translation>サーバーの証明書</translation>
    </message>
    <message>
        <source>Certificate details</source>
        <translation>証明書の詳細</translation>
    </message>
    <message>
        <source>T&amp;rust this certificate for this account</source>
        <translation>このアカウントでこの証明書を信頼する(&amp;R)</translation>
    </message>
    <message>
        <source>Trust this certificate for this account</source>
        <translation>このアカウントでこの証明書を信頼する</translation>
    </message>
    <message>
        <source>Only this exact certificate (by its fingerprint) is trusted, and only for this account. Compare the fingerprint with what your provider publishes.</source>
        <translation>信頼するのはこの証明書（フィンガープリントで特定）だけで、このアカウントに限られます。フィンガープリントがプロバイダーの公開している値と一致するか確認してください。</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>接続テスト(&amp;T)</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>接続テスト</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save account</source>
        <translation>アカウントを保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <source>As in Settings</source>
        <translation>全体の設定に従う</translation>
    </message>
    <message>
        <source>Move to the quarantine folder</source>
        <translation>隔離フォルダーへ移動</translation>
    </message>
    <message>
        <source>Delete from the server (a local copy is kept)</source>
        <translation>サーバーから削除（コピーを手元に保存）</translation>
    </message>
    <message>
        <source>Only mark it</source>
        <translation>印を付けるだけ</translation>
    </message>
    <message>
        <source>Leave it alone</source>
        <translation>何もしない</translation>
    </message>
    <message>
        <source>{0}, published by {1}</source>
        <translation>{0}（{1} の公開情報）</translation>
    </message>
    <message>
        <source>{0}, a guess</source>
        <translation>{0}（推測）</translation>
    </message>
    <message>
        <source>Enter the server name (for example imap.example.org).</source>
        <translation>サーバー名を入力してください（例: imap.example.org）。</translation>
    </message>
    <message>
        <source>Enter the user name the server expects.</source>
        <translation>サーバーで使うユーザー名を入力してください。</translation>
    </message>
    <message>
        <source>With no encryption, {0} would receive your password as readable text. Choose SSL/TLS or STARTTLS, or tick &quot;Allow sending my password unencrypted&quot; if you accept that.</source>
        <translation>暗号化しないと、パスワードがそのまま読める形で {0} に送られます。SSL/TLS か STARTTLS を選んでください。それでもよい場合は「このサーバーにはパスワードを暗号化せずに送ることを許可する」にチェックを入れてください。</translation>
    </message>
    <message>
        <source>The extra CA certificates file {0} does not exist.</source>
        <translation>追加の CA 証明書ファイル {0} が見つかりません。</translation>
    </message>
    <message>
        <source>Enter the password first.</source>
        <translation>先にパスワードを入力してください。</translation>
    </message>
    <message>
        <source>Testing the connection to {0}…</source>
        <translation>{0} への接続をテストしています…</translation>
    </message>
    <message numerus="yes">
        <source>Connected: %n message(s) on the server.</source>
        <translation>
            <numerusform>接続できました。サーバーに %n 通のメッセージがあります。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Connected: %n message(s) in INBOX.</source>
        <translation>
            <numerusform>接続できました。INBOX に %n 通のメッセージがあります。</numerusform>
        </translation>
    </message>
    <message>
        <source>Testing the connection and saving the account…</source>
        <translation>接続をテストして、アカウントを保存しています…</translation>
    </message>
    <message>
        <source>Wrong password or user name: the server refused them. Check both; some providers need an app password here instead of your usual password.</source>
        <translation>パスワードまたはユーザー名が違うため、サーバーに拒否されました。両方を確認してください。プロバイダーによっては、ふだんのパスワードではなくアプリ パスワードをここに入力する必要があります。</translation>
    </message>
    <message>
        <source>Server not found: nothing answered at {0}, port {1}. Check the server name and port, and your network connection.</source>
        <translation>サーバーが見つかりません。{0} のポート {1} から応答がありませんでした。サーバー名とポート、ネットワークの接続を確認してください。</translation>
    </message>
    <message>
        <source>Certificate problem: the server&apos;s certificate could not be verified ({0}), so MailSentry did not send your password.</source>
        <translation>証明書の問題: サーバーの証明書を検証できなかったため（{0}）、MailSentry はパスワードを送信しませんでした。</translation>
    </message>
    <message>
        <source>The server would not set up encryption as chosen ({0}). Try the other security setting, or ask your provider.</source>
        <translation>サーバーが、選んだ方式での暗号化に応じませんでした（{0}）。もう一方の接続の保護の方式を試すか、プロバイダーに問い合わせてください。</translation>
    </message>
    <message>
        <source>The account was not saved: MailSentry keeps passwords only in the system keyring, and no usable keyring was found. Install and unlock one (GNOME Keyring or KWallet; on Debian: apt install gnome-keyring), log in to a desktop session, then save again.</source>
        <translation>アカウントは保存されませんでした。MailSentry はパスワードをシステムのキーリングにだけ保存しますが、使えるキーリングが見つかりませんでした。キーリング（GNOME Keyring または KWallet。Debian では apt install gnome-keyring）をインストールしてロックを解除し、デスクトップのセッションにログインしてから、もう一度保存してください。</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256 フィンガープリント:</translation>
    </message>
    <message>
        <source>Something unexpected went wrong: {0}</source>
        <translation>予期しない問題が発生しました: {0}</translation>
    </message>
    <message>
        <source>Reason: {0}</source>
        <translation>理由: {0}</translation>
    </message>
    <message>
        <source>Issued to: {0}</source>
        <translation>発行先: {0}</translation>
    </message>
    <message>
        <source>Issued by: {0}</source>
        <translation>発行者: {0}</translation>
    </message>
    <message>
        <source>Valid until: {0}</source>
        <translation>有効期限: {0}</translation>
    </message>
    <message>
        <source>The next test and Save will trust exactly this certificate for this account.</source>
        <translation>次の接続テストと保存では、このアカウントについてこの証明書だけを信頼します。</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>Demo mailbox</source>
        <translation>デモ用メールボックス</translation>
    </message>
    <message>
        <source>A POP3 server cannot take messages back; the local copies stay in MailSentry&apos;s folder.</source>
        <translation>POP3 サーバーにはメッセージを戻せません。手元のコピーは MailSentry のフォルダーに残ります。</translation>
    </message>
    <message>
        <source>Quarantined: {0}</source>
        <translation>隔離しました: {0}</translation>
    </message>
    <message>
        <source>Released: {0}</source>
        <translation>隔離を解除しました: {0}</translation>
    </message>
    <message>
        <source>Deleted from the server (a local copy is kept): {0}</source>
        <translation>サーバーから削除しました（コピーを手元に保存）: {0}</translation>
    </message>
    <message>
        <source>Not changed: {0}</source>
        <translation>変更されませんでした: {0}</translation>
    </message>
    <message>
        <source>Undone: {0} message(s) put back where they were.</source>
        <translation>元に戻しました: {0} 通のメールを元の場所に戻しました。</translation>
    </message>
    <message>
        <source>Removed from the demo mailbox: {0}</source>
        <translation>デモ用メールボックスから削除しました: {0}</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>（件名なし）</translation>
    </message>
    <message>
        <source>Undone in the demo mailbox</source>
        <translation>デモ用メールボックスで元に戻しました</translation>
    </message>
    <message>
        <source>Trusted {0}</source>
        <translation>{0} を信頼しました</translation>
    </message>
    <message>
        <source>Judged {0} message(s) again with the current settings; {1} changed.</source>
        <translation>{0} 通のメールを現在の設定で判定し直しました。{1} 通の判定が変わりました。</translation>
    </message>
</context>
<context>
    <name>Detectors</name>
    <message>
        <source>The envelope sender is empty (Return-Path: &lt;&gt;).</source>
        <extracomment>summary: NULL_SENDER</extracomment>
        <translation>エンベロープの差出人が空です（Return-Path: &lt;&gt;）。</translation>
    </message>
    <message>
        <source>The server recorded MAIL FROM:&lt;&gt;: the message claims to come from nobody. That is
normal for bounces, read receipts and auto-replies, which must never cause loops; it
is also what the W32.Hybris worm and others used so that no reply can ever reach the
infected sender. Where the message has no Return-Path, a receiving server&apos;s
(envelope-from &lt;&gt;) note in a Received line says the same. On its own this means
nothing; together with no sender name, no subject, no text and a program attached, it
is the worm&apos;s signature.</source>
        <extracomment>explanation: NULL_SENDER</extracomment>
        <translation>サーバーには MAIL FROM:&lt;&gt; と記録されています。つまり、このメッセージは「誰からでもない」と名乗っています。これはエラーメール（バウンス）、開封確認、自動返信では普通のことで、メールのループを防ぐために必要です。しかし W32.Hybris ワームなども、感染した送信者に返信が届かないよう同じ方法を使いました。Return-Path がないメッセージでは、受信サーバーが Received 行に書いた (envelope-from &lt;&gt;) が同じことを示します。これだけでは問題ありませんが、差出人名、件名、本文がなく、プログラムが添付されている場合は、このワームの特徴そのものです。</translation>
    </message>
    <message>
        <source>The From header is missing or names no sender.</source>
        <extracomment>summary: EMPTY_FROM</extracomment>
        <translation>From ヘッダーがないか、差出人が書かれていません。</translation>
    </message>
    <message>
        <source>Every normal message says who wrote it. A message with an empty From: (or none)
was most likely written by a program, not a person: the 2001 Hybris worm sent exactly
such mail. Mail clients show these as &quot;(no sender)&quot;. Be careful with any attachment.</source>
        <extracomment>explanation: EMPTY_FROM</extracomment>
        <translation>普通のメッセージには、誰が書いたかが示されています。From: が空の（またはない）メッセージは、人ではなくプログラムが作った可能性が高く、2001 年の Hybris ワームもまさにそのようなメールを送っていました。メールソフトでは「(差出人なし)」のように表示されます。添付ファイルには注意してください。</translation>
    </message>
    <message>
        <source>The message has no subject.</source>
        <extracomment>summary: NO_SUBJECT</extracomment>
        <translation>メッセージに件名がありません。</translation>
    </message>
    <message>
        <source>People almost always write a subject. Worms that copy themselves by mail often leave it
out, especially on Japanese systems where the 2001 Hybris worm sent mail with no
subject and no text at all. On its own this is harmless.</source>
        <extracomment>explanation: NO_SUBJECT</extracomment>
        <translation>人が書くメールには、ほとんどの場合件名があります。メールで自分自身を広げるワームは件名を省くことが多く、特に日本のシステムでは、2001 年の Hybris ワームが件名も本文もないメールを送りました。これだけなら害はありません。</translation>
    </message>
    <message>
        <source>The message has no text to read.</source>
        <extracomment>summary: NO_TEXT</extracomment>
        <translation>メッセージに読める本文がありません。</translation>
    </message>
    <message>
        <source>There is nothing in the body for a person to read, only attachments (or nothing, or a
note that an attachment was removed). A real person who sends a file usually says
what it is. Mail that is only an attachment is typical of worms; be very careful with
whatever is attached.</source>
        <extracomment>explanation: NO_TEXT</extracomment>
        <translation>本文には人が読む内容が何もなく、添付ファイルだけ（または何もないか、添付ファイルを削除したという注記だけ）です。人がファイルを送るときは、たいていそれが何かを書き添えます。添付ファイルだけのメールはワームによくある形です。添付されているものには十分注意してください。</translation>
    </message>
    <message>
        <source>A note in the text says an attachment was removed or converted on the way.</source>
        <extracomment>summary: ATTACHMENT_REMOVED</extracomment>
        <translation>本文に、途中で添付ファイルが削除または変換されたという注記があります。</translation>
    </message>
    <message>
        <source>Mail programs, mailing lists and virus filters leave a line where they took out an
attachment (Eudora&apos;s Attachment Converted: &quot;C:\...\CKGIHLCK.EXE&quot;, a list&apos;s
[Non-text (application/octet-stream) part of message omitted, filename ...], a
filter&apos;s &quot;the attachment was removed&quot;). The attachment is gone, so this is harmless in
itself; with no sender, no subject and no other text it is what is left of a worm&apos;s
mail after a filter cleaned it.</source>
        <extracomment>explanation: ATTACHMENT_REMOVED</extracomment>
        <translation>メールソフト、メーリングリスト、ウイルス対策フィルターは、添付ファイルを取り除いた場所に注記を残します（Eudora の Attachment Converted: &quot;C:\...\CKGIHLCK.EXE&quot;、メーリングリストの [Non-text (application/octet-stream) part of message omitted, filename ...]、フィルターの「添付ファイルは削除されました」など）。添付ファイルはもうないので、これ自体は無害です。しかし差出人、件名、ほかの本文がない場合は、フィルターが駆除したあとのワームのメールの残りです。</translation>
    </message>
    <message>
        <source>An attachment is a program (by its file name).</source>
        <extracomment>summary: EXECUTABLE_ATTACHMENT</extracomment>
        <translation>添付ファイルはプログラムです（ファイル名による判断）。</translation>
    </message>
    <message>
        <source>Its name ends in an extension that Windows runs when the file is opened, such as
.exe, .scr, .pif, .js or .lnk, or a disk image (.iso) that opens
as a drive full of programs. Opening it runs whatever its author wanted. Do not open it
unless you asked this exact sender for this exact file, and even then scan it first
with an up-to-date antivirus. A part with no name that is declared as a program
(application/x-msdownload, application/hta) is saved under a program&apos;s
extension by mail programs that name files by their type.</source>
        <extracomment>explanation: EXECUTABLE_ATTACHMENT</extracomment>
        <translation>ファイル名の末尾が、開くと Windows が実行する拡張子（.exe、.scr、.pif、.js、.lnk など）か、開くとプログラムの入ったドライブとして現れるディスクイメージ（.iso）になっています。開くと、作った人の意図したことが何でも実行されます。この送信者にこのファイルを頼んだのでない限り、開かないでください。頼んだ場合でも、最新のウイルス対策ソフトで先にスキャンしてください。名前のないパートがプログラムの種類（application/x-msdownload、application/hta）とされている場合も、種類からファイル名を付けるメールソフトはプログラムの拡張子で保存します。</translation>
    </message>
    <message>
        <source>An attachment is of a type that can run code or steal data.</source>
        <extracomment>summary: RISKY_ATTACHMENT</extracomment>
        <translation>添付ファイルは、プログラムを動かしたり情報を盗んだりできる種類のファイルです。</translation>
    </message>
    <message>
        <source>The file type (for example .html, .hta&apos;s relatives, .rdp, .cab or a
OneNote file) is not a program itself, but opening it can run scripts, connect to a
stranger&apos;s computer or show a fake login page. Such attachments are common in phishing.
Open only if you expected this file from this sender.</source>
        <extracomment>explanation: RISKY_ATTACHMENT</extracomment>
        <translation>このファイルの種類（例: .html、.hta の仲間、.rdp、.cab、OneNote ファイル）はそれ自体はプログラムではありませんが、開くとスクリプトが実行されたり、見知らぬ人のコンピューターに接続したり、偽のログイン画面が表示されたりすることがあります。このような添付ファイルはフィッシングでよく使われます。この送信者からこのファイルが届くとわかっていた場合にだけ開いてください。</translation>
    </message>
    <message>
        <source>An Office document that can contain macros.</source>
        <extracomment>summary: MACRO_DOCUMENT</extracomment>
        <translation>マクロを含むことができる Office 文書です。</translation>
    </message>
    <message>
        <source>Macro-enabled documents (.docm, .xlsm, .pptm and relatives, or a document
whose contents hold a macro project) can run programs when you click &quot;Enable content&quot;.
Criminals send them as invoices and delivery notes. Never enable macros in a document
from someone you do not know.</source>
        <extracomment>explanation: MACRO_DOCUMENT</extracomment>
        <translation>マクロ有効文書（.docm、.xlsm、.pptm などや、中にマクロ プロジェクトを持つ文書）は、「コンテンツの有効化」をクリックするとプログラムを実行できます。犯罪者はこれを請求書や納品書に見せかけて送ってきます。知らない人からの文書では、決してマクロを有効にしないでください。</translation>
    </message>
    <message>
        <source>An attachment&apos;s content is a program, whatever its name says.</source>
        <extracomment>summary: EXECUTABLE_CONTENT</extracomment>
        <translation>名前が何であれ、添付ファイルの中身はプログラムです。</translation>
    </message>
    <message>
        <source>The first bytes of the file are those of a program (a Windows MZ executable, a
Windows shortcut, a Linux or Mac program, or compiled help). The name or declared type
may say otherwise, but your computer may still run it. Do not open it.</source>
        <extracomment>explanation: EXECUTABLE_CONTENT</extracomment>
        <translation>ファイルの先頭のバイトがプログラムのもの（Windows の MZ 実行ファイル、Windows のショートカット、Linux や Mac のプログラム、コンパイル済みヘルプ）になっています。名前や宣言された種類が別のものを示していても、コンピューターはこれを実行してしまうおそれがあります。開かないでください。</translation>
    </message>
    <message>
        <source>The attachment&apos;s name, declared type and content disagree.</source>
        <extracomment>summary: TYPE_MISMATCH</extracomment>
        <translation>添付ファイルの名前、宣言された種類、中身が食い違っています。</translation>
    </message>
    <message>
        <source>The message says the file is one thing (a picture, a PDF, a text) while its name or its
bytes say it is a program. Mail programs and Windows decide differently which of these
to believe, and attackers use that gap to get a program opened as if it were a
document. Treat the file as the program it really is. A script (.vbs, .js,
.bat) whose text is declared as text/plain is typed honestly (a script is
text) and is judged by its name alone.</source>
        <extracomment>explanation: TYPE_MISMATCH</extracomment>
        <translation>メッセージはファイルを別の何か（画像、PDF、テキスト）だとしていますが、名前や中身のバイトはプログラムであることを示しています。メールソフトと Windows とでは、このどれを信じるかが異なり、攻撃者はこの違いを利用してプログラムを文書のように開かせます。このファイルは、実際の姿であるプログラムとして扱ってください。スクリプト（.vbs、.js、.bat）の中身のテキストが text/plain とされているのは正直な型です（スクリプトはテキストです）。その場合は名前だけで判定します。</translation>
    </message>
    <message>
        <source>The file name has two extensions, and the real one is a program.</source>
        <extracomment>summary: DOUBLE_EXTENSION</extracomment>
        <translation>ファイル名に拡張子が 2 つあり、本当の拡張子はプログラムのものです。</translation>
    </message>
    <message>
        <source>A name like invoice.pdf.exe or photo.jpg.scr shows a harmless type first; when
Windows hides known extensions the person sees only invoice.pdf. The last extension
is what counts: this file is a program. Names of the files inside an attached archive
are read the same way.</source>
        <extracomment>explanation: DOUBLE_EXTENSION</extracomment>
        <translation>invoice.pdf.exe や photo.jpg.scr のような名前は、無害な種類を先に見せます。Windows が既知の拡張子を隠す設定だと、invoice.pdf としか見えません。意味を持つのは最後の拡張子で、このファイルはプログラムです。添付されたアーカイブの中のファイル名も同じように読みます。</translation>
    </message>
    <message>
        <source>The file name contains invisible or direction-changing characters.</source>
        <extracomment>summary: HIDDEN_CHARACTERS</extracomment>
        <translation>ファイル名に、見えない文字や文字の向きを変える文字が含まれています。</translation>
    </message>
    <message>
        <source>Characters such as U+202E (right-to-left override) make a name display in a different
order than it really has: invoice_&lt;U+202E&gt;fdp.exe appears as invoice_exe.pdf.
Zero-width characters, control characters and NUL bytes hide parts of a name from you
or from filters. No honest program needs them in a file name. The names of the files
inside an attached zip are checked the same way: the archive program shows them to you
just as the mail program shows an attachment&apos;s name. The joiners that Persian, Indic
scripts and emoji need between two of their own characters (U+200C, U+200D) are part of
writing, not hidden, as long as they stay out of the extension.</source>
        <extracomment>explanation: HIDDEN_CHARACTERS</extracomment>
        <translation>U+202E（right-to-left override: 右から左への書字方向の強制）などの文字を使うと、名前が実際とは違う順序で表示されます。たとえば invoice_&lt;U+202E&gt;fdp.exe は invoice_exe.pdf と表示されます。ゼロ幅文字、制御文字、NUL バイトは、名前の一部をあなたやフィルターから隠します。まともなプログラムがファイル名にこれらの文字を必要とすることはありません。添付された zip の中のファイル名も同じように調べます。アーカイブを開くソフトは、メールソフトが添付ファイル名を見せるのと同じようにそれらの名前を見せるからです。ペルシャ語、インドの文字、絵文字が自分の文字どうしの間に必要とする結合制御文字（U+200C、U+200D）は、拡張子の外にある限り、隠し文字ではなく文字の一部として扱います。</translation>
    </message>
    <message>
        <source>The file name ends in dots, spaces or an NTFS stream name.</source>
        <extracomment>summary: NAME_TRAILING_JUNK</extracomment>
        <translation>ファイル名の末尾がドット、空白、または NTFS のストリーム名になっています。</translation>
    </message>
    <message>
        <source>Windows silently drops dots and spaces at the end of a file name, so setup.exe. or
photo.exe    becomes a program named .exe once saved, while filters that check
the last characters see no extension at all. A name such as setup.exe::$DATA or
setup.exe:x names a data stream of setup.exe: a program that saves the file
under that name writes setup.exe. The names of files and folders inside an attached
archive are checked too: a name ending in a space is how a 2023 flaw in WinRAR was used
to run a script when a person opened what looked like a PDF.</source>
        <extracomment>explanation: NAME_TRAILING_JUNK</extracomment>
        <translation>Windows はファイル名の末尾のドットや空白を黙って取り除きます。そのため setup.exe. や photo.exe    は、保存すると .exe のプログラムになります。一方、末尾の文字を調べるフィルターには、拡張子がまったくないように見えます。setup.exe::$DATA や setup.exe:x のような名前は setup.exe のデータストリームを指し、その名前のまま保存するソフトは setup.exe を書き込みます。添付されたアーカイブの中のファイル名やフォルダー名も調べます。空白で終わる名前は、2023 年の WinRAR の欠陥で、PDF に見えるものを開いたときにスクリプトを実行させるために使われました。</translation>
    </message>
    <message>
        <source>The file name ends in a class identifier instead of an extension.</source>
        <extracomment>summary: CLSID_EXTENSION</extracomment>
        <translation>ファイル名の末尾が、拡張子ではなくクラス識別子になっています。</translation>
    </message>
    <message>
        <source>A name like readme.txt.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B} is opened by the
program that the identifier names, while Windows Explorer hides the identifier and
shows readme.txt. This trick has no legitimate use in mail.</source>
        <extracomment>explanation: CLSID_EXTENSION</extracomment>
        <translation>readme.txt.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B} のような名前のファイルは、その識別子が示すプログラムで開かれますが、Windows エクスプローラーは識別子を隠して readme.txt と表示します。この手口がメールで正当に使われることはありません。</translation>
    </message>
    <message>
        <source>The file name shows an extension it does not really have.</source>
        <extracomment>summary: LOOKALIKE_EXTENSION</extracomment>
        <translation>ファイル名に、実際とは違う拡張子が見えています。</translation>
    </message>
    <message>
        <source>The extension is written with characters that only look like the usual ones:
fullwidth letters, Cyrillic or Greek letters that look like Latin ones (a Cyrillic
&quot;ie&quot; and &quot;ha&quot; in place of e and x), a fullwidth dot, or an accent mark hidden on a
letter. You read .exe; Windows, your mail program and a filter each read something
else, and some programs turn the look-alike into the real extension when they save the
file. A name like this has no honest use: it is there to get past a filter. Treat the
file as the type you see; if its content is a program, it is one.</source>
        <extracomment>explanation: LOOKALIKE_EXTENSION</extracomment>
        <translation>拡張子が、普通の文字に似ているだけの文字で書かれています。全角文字、ラテン文字に似たキリル文字やギリシャ文字（e と x の代わりにキリル文字の「ie」と「ha」）、全角のドット、文字に重ねた見えにくいアクセント記号などです。あなたには .exe と読めますが、Windows、メールソフト、フィルターはそれぞれ別のものとして読みます。保存するときに似た文字を本当の拡張子に変えてしまうソフトもあります。このような名前に正当な使い道はなく、フィルターをすり抜けるためのものです。見えている種類のファイルとして扱ってください。中身がプログラムなら、それはプログラムです。</translation>
    </message>
    <message>
        <source>The file name is padded to push its real extension out of sight.</source>
        <extracomment>summary: PADDED_NAME</extracomment>
        <translation>ファイル名が、本当の拡張子を見えなくするために引き延ばされています。</translation>
    </message>
    <message>
        <source>A long run of spaces, underscores, dots or dashes in the middle of a name
(report.pdf                                .exe) makes the mail client cut the name
off before the real extension. Look at the end of the name: that is the type of the
file. A name that is merely long, with no padding, is not counted here, nor one that
goes on well past its run of blanks; the names of files inside an attached archive are
checked too.</source>
        <extracomment>explanation: PADDED_NAME</extracomment>
        <translation>名前の途中に空白、アンダースコア、ドット、ダッシュが長く続いている（report.pdf                                .exe）ため、メールソフトは本当の拡張子の手前で名前を切って表示します。名前の最後を見てください。それがファイルの種類です。単に長いだけで詰め物のない名前や、詰め物のあとにも名前が長く続くものはここでは数えません。添付されたアーカイブの中のファイル名も調べます。</translation>
    </message>
    <message>
        <source>The program&apos;s name is eight random capital letters, as worms make them.</source>
        <extracomment>summary: HYBRIS_NAME</extracomment>
        <translation>プログラムの名前が、ワームが付けるような 8 文字のランダムな大文字です。</translation>
    </message>
    <message>
        <source>W32.Hybris named its attachment with eight random letters from A to P followed by
.EXE or .SCR (CKGIHLCK.EXE, LCOLCKLC.EXE), so that searching for the
name finds nothing. Other worms use similar random names. A person does not name a
file like that.</source>
        <extracomment>explanation: HYBRIS_NAME</extracomment>
        <translation>W32.Hybris は、添付ファイルに A から P までのランダムな 8 文字の名前を付け、その後に .EXE か .SCR を付けました（CKGIHLCK.EXE、LCOLCKLC.EXE）。こうすると名前で検索しても何も見つかりません。ほかのワームも似たようなランダムな名前を使います。人がファイルにこのような名前を付けることはありません。</translation>
    </message>
    <message>
        <source>The sending computer introduced itself with a bare PC name.</source>
        <extracomment>summary: BARE_HELO</extracomment>
        <translation>送信元のコンピューターが、ドメインのない PC の名前で名乗っています。</translation>
    </message>
    <message>
        <source>When a mail server receives a message it records the name the sending computer gave
(its HELO). Real mail servers give a full domain name (mail.example.co.jp). A name
with no dot, such as oemcomputer or computer, localhost, or a bare address
such as [203.0.113.5] is a home PC or a mail-sending program talking directly to
your provider, which is what mass-mailing worms do. On its own this is only a hint.</source>
        <extracomment>explanation: BARE_HELO</extracomment>
        <translation>メールサーバーはメッセージを受け取るとき、送信元のコンピューターが名乗った名前（HELO）を記録します。本物のメールサーバーは完全なドメイン名（mail.example.co.jp）を名乗ります。oemcomputer や computer のようにドットのない名前、localhost、[203.0.113.5] のようなアドレスそのものは、家庭の PC やメール送信プログラムがプロバイダーに直接つないでいるということで、大量メール送信型のワームがそうします。これだけでは手がかりの一つにすぎません。</translation>
    </message>
    <message>
        <source>The message is addressed to &quot;undisclosed recipients&quot;.</source>
        <extracomment>summary: UNDISCLOSED_RECIPIENTS</extracomment>
        <translation>メッセージの宛先が「undisclosed recipients」（非公開の宛先）になっています。</translation>
    </message>
    <message>
        <source>The sender hid the list of people the message went to. Newsletters do this for
privacy, but so do worms and spammers sending to addresses they harvested. On its own
this is only a hint.</source>
        <extracomment>explanation: UNDISCLOSED_RECIPIENTS</extracomment>
        <translation>送信者は、メッセージを送った相手の一覧を隠しています。メールマガジンはプライバシーのためにこうしますが、集めたアドレスに送りつけるワームやスパム送信者も同じことをします。これだけでは手がかりの一つにすぎません。</translation>
    </message>
    <message>
        <source>An archive, disk image or container attached to the message holds a program.</source>
        <extracomment>summary: EXECUTABLE_IN_ARCHIVE</extracomment>
        <translation>メッセージに添付された圧縮ファイル、ディスクイメージ、またはコンテナーにプログラムが入っています。</translation>
    </message>
    <message>
        <source>Packing a program into a zip, 7-Zip, RAR or tar archive, a disk image (.iso), an
Outlook or Exchange container (winmail.dat, .msg) or a OneNote or calendar file gets it
past filters that look only at the outer name. The list below names what is inside;
one of them runs as a program as soon as it is opened from there.</source>
        <extracomment>explanation: EXECUTABLE_IN_ARCHIVE</extracomment>
        <translation>プログラムを zip、7-Zip、RAR、tar の圧縮ファイル、ディスクイメージ（.iso）、Outlook や Exchange のコンテナー（winmail.dat、.msg）、OneNote や予定表のファイルに入れると、外側の名前しか見ないフィルターを通り抜けられます。下に、中に入っているものを示します。そのうちの 1 つは、そこから開いたとたんにプログラムとして実行されます。</translation>
    </message>
    <message>
        <source>An archive is attached whose contents cannot be listed.</source>
        <extracomment>summary: ARCHIVE_UNLISTABLE</extracomment>
        <translation>中身を一覧できない圧縮ファイルが添付されています。</translation>
    </message>
    <message>
        <source>MailSentry lists what archives, disk images and mail containers hold without unpacking
them (zip, 7-Zip, RAR, CAB, tar, gzip, ISO 9660, winmail.dat, .msg), and looks into
archives inside archives a few levels deep. This one could not be listed: its format
cannot be read here (ACE, ARJ, UDF disk images), it is damaged, nested too deeply, too
large, or not what its name says. A program may be inside. Ask the sender before
opening it.</source>
        <extracomment>explanation: ARCHIVE_UNLISTABLE</extracomment>
        <translation>MailSentry は圧縮ファイル、ディスクイメージ、メールのコンテナー（zip、7-Zip、RAR、CAB、tar、gzip、ISO 9660、winmail.dat、.msg）を展開せずに中身を一覧し、圧縮ファイルの中の圧縮ファイルも数段階まで調べます。このファイルは一覧できませんでした。ここでは読めない形式（ACE、ARJ、UDF ディスクイメージ）であるか、壊れているか、入れ子が深すぎるか、大きすぎるか、名前とは違う種類のファイルです。中にプログラムが入っているかもしれません。開く前に送信者に確認してください。</translation>
    </message>
    <message>
        <source>An attached archive is locked with a password.</source>
        <extracomment>summary: ENCRYPTED_ARCHIVE</extracomment>
        <translation>添付された圧縮ファイルにパスワードがかかっています。</translation>
    </message>
    <message>
        <source>Password-protected archives cannot be checked by any virus scanner on the way, which is
why criminals send them with the password in the text (&quot;invoice, password 1234&quot;).
Many offices also send them on purpose. Open it only if you expected it from this
sender; the file names inside are shown as evidence.</source>
        <extracomment>explanation: ENCRYPTED_ARCHIVE</extracomment>
        <translation>パスワード付きの圧縮ファイルは、途中のどのウイルス対策ソフトでも検査できません。そのため犯罪者は、本文にパスワードを書いて送ってきます（「請求書です。パスワードは 1234」）。業務でわざとこのように送る会社も多くあります。この送信者から届くとわかっていた場合にだけ開いてください。中のファイル名は証拠として表示しています。</translation>
    </message>
    <message>
        <source>A program is hidden inside a returned or forwarded message.</source>
        <extracomment>summary: EXECUTABLE_IN_MESSAGE</extracomment>
        <translation>返送または転送されたメッセージの中にプログラムが隠されています。</translation>
    </message>
    <message>
        <source>The message carries another message (a bounce, &quot;your mail could not be delivered&quot;, or
a forwarded mail), and that inner message carries a program. Worms such as Mydoom and
Netsky dressed themselves up as bounces so that people would open the &quot;returned&quot;
attachment. A real bounce never needs you to open a program.</source>
        <extracomment>explanation: EXECUTABLE_IN_MESSAGE</extracomment>
        <translation>このメッセージは別のメッセージ（「メールを配信できませんでした」というエラーメールや、転送メール）を含んでおり、その中のメッセージにプログラムが入っています。Mydoom や Netsky などのワームは、エラーメールを装って「返送された」添付ファイルを開かせました。本物のエラーメールで、プログラムを開く必要はありません。</translation>
    </message>
    <message>
        <source>The message pretends to be a delivery failure notice, and carries a program.</source>
        <extracomment>summary: FAKE_BOUNCE</extracomment>
        <translation>メッセージが配信エラーの通知を装っており、プログラムが入っています。</translation>
    </message>
    <message>
        <source>Its subject, sender or text says a mail could not be delivered, but instead of a
delivery report it carries a program for you to open. Real delivery reports never ask
you to open an attachment to read them. This is how Mydoom, Netsky and many later
worms spread.</source>
        <extracomment>explanation: FAKE_BOUNCE</extracomment>
        <translation>件名、差出人、本文ではメールを配信できなかったとしていますが、配信レポートではなく、開かせるためのプログラムが入っています。本物の配信レポートが、読むために添付ファイルを開くよう求めることはありません。Mydoom や Netsky、その後の多くのワームがこの方法で広がりました。</translation>
    </message>
    <message>
        <source>The message names more than one sender.</source>
        <extracomment>summary: MULTIPLE_FROM</extracomment>
        <translation>メッセージに複数の差出人が書かれています。</translation>
    </message>
    <message>
        <source>It has several From headers, or one From header with several addresses. Mail
programs disagree about which one to show, so you may see a sender the message did not
come from. MailSentry does not trust any sender of such a message.</source>
        <extracomment>explanation: MULTIPLE_FROM</extracomment>
        <translation>From ヘッダーが複数あるか、1 つの From ヘッダーに複数のアドレスがあります。どれを表示するかはメールソフトによって異なるため、実際の送信元ではない差出人が表示されているかもしれません。MailSentry はこのようなメッセージの差出人を信頼しません。</translation>
    </message>
    <message>
        <source>The sender&apos;s name shows a different address than the real one.</source>
        <extracomment>summary: DISPLAY_NAME_SPOOF</extracomment>
        <translation>差出人の名前に、本当のアドレスとは別のアドレスが表示されています。</translation>
    </message>
    <message>
        <source>The name part of the sender reads like an e-mail address (&quot;boss@yourcompany.jp&quot;
&lt;someone@elsewhere.example&gt;), but the message really comes from another address.
Many mail programs show only the name, so the mail looks as if it came from someone
you know. MailSentry does not trust such a sender.</source>
        <extracomment>explanation: DISPLAY_NAME_SPOOF</extracomment>
        <translation>差出人の名前の部分がメールアドレスのように見えます（&quot;boss@yourcompany.jp&quot; &lt;someone@elsewhere.example&gt;）が、メッセージは実際には別のアドレスから来ています。多くのメールソフトは名前だけを表示するため、知っている人から届いたように見えてしまいます。MailSentry はこのような差出人を信頼しません。</translation>
    </message>
    <message>
        <source>The message can be read in more than one way.</source>
        <extracomment>summary: PARSER_AMBIGUITY</extracomment>
        <translation>メッセージを 2 通り以上に読み取れます。</translation>
    </message>
    <message>
        <source>Its structure is written twice in different ways (two content types, two boundaries,
two different names for one attachment, a header line that is not a header). Different
mail programs and virus scanners then see different contents; attackers use this so
that the scanner sees a harmless message and your mail program shows the dangerous
one. MailSentry judged every reading and kept the worst. The message is suspicious
only when a reading holds something that could do harm (a program, an unnamed binary,
a risky type, an archive, names that disagree about a risky type); a plain text or a
picture that every reading shows the same harmless way is not.</source>
        <extracomment>explanation: PARSER_AMBIGUITY</extracomment>
        <translation>メッセージの構造が、異なる形で二重に書かれています（2 つの Content-Type、2 つの境界、1 つの添付ファイルに 2 つの異なる名前、ヘッダーではないヘッダー行）。そのため、メールソフトやウイルス対策ソフトによって見える中身が変わります。攻撃者はこれを利用して、ウイルス対策ソフトには無害なメッセージを、メールソフトには危険なメッセージを見せます。MailSentry はすべての読み方で判定し、最も悪い結果を採用しました。どれかの読み方に害を及ぼしうるもの（プログラム、名前のないバイナリ、危険な種類、アーカイブ、危険な種類について食い違う名前）がある場合にだけ、不審とします。どの読み方でも同じく無害に見えるテキストや画像なら、不審とはしません。</translation>
    </message>
    <message>
        <source>Part of the message cannot be read reliably.</source>
        <extracomment>summary: UNREADABLE</extracomment>
        <translation>メッセージの一部を確実には読み取れません。</translation>
    </message>
    <message>
        <source>The message is damaged or built against the rules (missing boundaries, broken
encodings, parts nested too deeply). Mail programs repair such messages in different
ways, so MailSentry cannot promise what you would see. The message is suspicious when
what could be read holds something that could do harm (a program, an unnamed binary, a
risky type, an archive) or when content could not be seen at all; damage inside a text
or a harmless file (a PDF, a picture) is noted but does not make it suspicious.</source>
        <extracomment>explanation: UNREADABLE</extracomment>
        <translation>メッセージが壊れているか、規則に反して作られています（境界がない、エンコードが壊れている、パートの入れ子が深すぎる）。このようなメッセージはメールソフトごとに違う方法で修復されるため、実際に何が表示されるかを MailSentry は保証できません。読めた部分に害を及ぼしうるもの（プログラム、名前のないバイナリ、危険な種類、アーカイブ）がある場合や、中身がまったく見えない部分がある場合は不審とします。テキストや無害なファイル（PDF、画像）の中の破損は記録しますが、不審とはしません。</translation>
    </message>
</context>
<context>
    <name>FirstScanQuestion</name>
    <message>
        <source>First check of {0}</source>
        <translation>{0} の最初のチェック</translation>
    </message>
    <message>
        <source>The first check of {0} found {1} message(s) that your settings would move out of the inbox. Nothing has been moved yet.</source>
        <translation>{0} の最初のチェックで、設定どおりなら受信箱から移動するメールが {1} 通見つかりました。まだ何も移動していません。</translation>
    </message>
    <message>
        <source>Review them first: they stay where they are, listed here, and you decide. Move them now: MailSentry moves them as your settings say (Undo brings them back).</source>
        <translation>先に確認する: メールはそのまま残り、ここに一覧表示されます。処理はあなたが決めます。今すぐ移動する: 設定どおりに MailSentry が移動します（「元に戻す」で戻せます）。</translation>
    </message>
    <message>
        <source>Review them first</source>
        <translation>先に確認する</translation>
    </message>
    <message>
        <source>Move them now</source>
        <translation>今すぐ移動する</translation>
    </message>
    <message>
        <source>quarantine</source>
        <translation>隔離</translation>
    </message>
    <message>
        <source>delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <source>{0} message(s) in {1} wait for your decision: select them, then Quarantine (Ctrl+J), Delete or Trust sender.</source>
        <translation>{1} の {0} 通のメールが判断を待っています。選んでから「隔離」（Ctrl+J）、「削除」、「差出人を信頼」のいずれかを選んでください。</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <source>History</source>
        <translation>履歴</translation>
    </message>
    <message>
        <source>What MailSentry moved or deleted, and what other programs moved, newest first. Deleted mail is kept as a local copy.</source>
        <translation>MailSentry が移動・削除したメールと、ほかのプログラムが移動したメールを新しい順に表示します。削除したメールは手元にコピーが残っています。</translation>
    </message>
    <message>
        <source>When</source>
        <translation>日時</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>メール</translation>
    </message>
    <message>
        <source>From</source>
        <translation>移動元</translation>
    </message>
    <message>
        <source>To</source>
        <translation>移動先</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>アカウント</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>（件名なし）</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>隔離</translation>
    </message>
    <message>
        <source>Released</source>
        <translation>隔離を解除</translation>
    </message>
    <message>
        <source>Deleted (local copy kept)</source>
        <translation>削除（コピーを手元に保存）</translation>
    </message>
    <message>
        <source>Undone</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <source>Moved or deleted by another program</source>
        <translation>ほかのプログラムが移動または削除</translation>
    </message>
    <message>
        <source>Found</source>
        <translation>発見</translation>
    </message>
    <message>
        <source>{0}, then undone</source>
        <translation>{0}（その後、元に戻した）</translation>
    </message>
    <message>
        <source>{0}: not done</source>
        <translation>{0}: 完了せず</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Ready</source>
        <translation>準備完了</translation>
    </message>
    <message>
        <source>Checking mail…</source>
        <translation>メールをチェックしています…</translation>
    </message>
    <message>
        <source>Mail checked</source>
        <translation>メールのチェックが終わりました</translation>
    </message>
    <message>
        <source>MailSentry checks your mailboxes on the server and finds dangerous mail before your mail program downloads it. Add your mail account, or open the demo mailbox to see how it works first.</source>
        <translation>MailSentry はサーバー上のメールボックスをチェックし、メールソフトがダウンロードする前に危険なメールを見つけます。メールアカウントを追加するか、まずデモ用メールボックスを開いて使い方を確かめてください。</translation>
    </message>
    <message>
        <source>Add a mail account…</source>
        <translation>メールアカウントを追加…</translation>
    </message>
    <message>
        <source>Add a mail account</source>
        <translation>メールアカウントを追加</translation>
    </message>
    <message>
        <source>Open the demo mailbox</source>
        <translation>デモ用メールボックスを開く</translation>
    </message>
    <message>
        <source>Mailboxes</source>
        <translation>メールボックス</translation>
    </message>
    <message>
        <source>Accounts and folders</source>
        <translation>アカウントとフォルダー</translation>
    </message>
    <message>
        <source>Show messages</source>
        <translation>表示するメッセージ</translation>
    </message>
    <message>
        <source>All messages</source>
        <translation>すべてのメッセージ</translation>
    </message>
    <message>
        <source>Dangerous and suspicious</source>
        <translation>危険・不審</translation>
    </message>
    <message>
        <source>Dangerous</source>
        <translation>危険</translation>
    </message>
    <message>
        <source>Suspicious</source>
        <translation>不審</translation>
    </message>
    <message>
        <source>Clean</source>
        <translation>問題なし</translation>
    </message>
    <message>
        <source>Search sender, subject, attachment</source>
        <translation>差出人・件名・添付ファイルを検索</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>検索</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <source>Add account…</source>
        <translation>アカウントを追加…</translation>
    </message>
    <message>
        <source>Check now</source>
        <translation>今すぐチェック</translation>
    </message>
    <message>
        <source>Quarantine</source>
        <translation>隔離</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>隔離を解除</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>削除…</translation>
    </message>
    <message>
        <source>Trust sender…</source>
        <translation>差出人を信頼…</translation>
    </message>
    <message>
        <source>Rescan</source>
        <translation>再スキャン</translation>
    </message>
    <message>
        <source>Release and trust sender</source>
        <translation>隔離を解除して差出人を信頼</translation>
    </message>
    <message>
        <source>Undo last action</source>
        <translation>直前の操作を元に戻す</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>履歴…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>About MailSentry</source>
        <translation>MailSentry について</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>&amp;Mail</source>
        <translation>メール(&amp;M)</translation>
    </message>
    <message>
        <source>M&amp;essage</source>
        <translation>メッセージ(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>処理しています…</translation>
    </message>
    <message>
        <source>Remove {0} message(s) from the demo mailbox?</source>
        <translation>デモ用メールボックスから {0} 通のメールを削除しますか？</translation>
    </message>
    <message>
        <source>Delete messages</source>
        <translation>メッセージの削除</translation>
    </message>
    <message>
        <source>Delete {0} message(s) from the server? MailSentry keeps a local copy of each in its own folder, where nothing opens it.</source>
        <translation>{0} 通のメッセージをサーバーから削除しますか？ MailSentry はそれぞれのコピーを専用のフォルダーに残します。そこでファイルが開かれることはありません。</translation>
    </message>
    <message>
        <source>Trust sender</source>
        <translation>差出人を信頼</translation>
    </message>
    <message>
        <source>Trust {0}? Mail from a trusted sender is judged more gently, but programs and tricks stay blocked.</source>
        <translation>{0} を信頼しますか？ 信頼した差出人からのメールは判定がゆるやかになりますが、プログラムや偽装は引き続きブロックされます。</translation>
    </message>
    <message>
        <source>Judge the {0} listed message(s) from {1} again, now that you trust them?</source>
        <translation>{1} を信頼したので、一覧にあるこの差出人のメール {0} 通を判定し直しますか？</translation>
    </message>
    <message>
        <source>Judge again</source>
        <translation>判定し直す</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>今はしない</translation>
    </message>
    <message>
        <source>Judging again…</source>
        <translation>判定し直しています…</translation>
    </message>
    <message>
        <source>There is no mail account to check: add one first (Ctrl+N).</source>
        <translation>確認するメールアカウントがありません。先に追加してください（Ctrl+N）。</translation>
    </message>
    <message>
        <source>There is nothing to undo.</source>
        <translation>元に戻す操作はありません。</translation>
    </message>
    <message>
        <source>&lt;h3&gt;MailSentry {0}&lt;/h3&gt;&lt;p&gt;Finds dangerous mail on your mail server before your mail program downloads it, and says in plain words why it is dangerous.&lt;/p&gt;&lt;p&gt;MailSentry looks for programs and the tricks that hide them; it is not a spam filter and not an antivirus: keep your antivirus up to date.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;MailSentry {0}&lt;/h3&gt;&lt;p&gt;メールソフトがダウンロードする前に、メールサーバー上の危険なメールを見つけ、なぜ危険なのかをわかりやすく説明します。&lt;/p&gt;&lt;p&gt;MailSentry が探すのはプログラムと、それを隠す手口です。迷惑メールフィルターでもウイルス対策ソフトでもありません。ウイルス対策ソフトは最新の状態にしておいてください。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>All mail</source>
        <translation>すべてのメール</translation>
    </message>
    <message>
        <source>Deleted (local copies)</source>
        <translation>削除済み（手元のコピー）</translation>
    </message>
    <message>
        <source>Local quarantine</source>
        <translation>手元の隔離フォルダー</translation>
    </message>
    <message>
        <source>{0} dangerous</source>
        <translation>危険 {0}</translation>
    </message>
    <message>
        <source>{0} suspicious</source>
        <translation>不審 {0}</translation>
    </message>
    <message>
        <source>Welcome to MailSentry</source>
        <translation>MailSentry へようこそ</translation>
    </message>
</context>
<context>
    <name>MessageModel</name>
    <message>
        <source>Verdict</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日付</translation>
    </message>
    <message>
        <source>From</source>
        <translation>差出人</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>件名</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>添付ファイル</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>処理</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>アカウント</translation>
    </message>
    <message>
        <source>Dangerous</source>
        <translation>危険</translation>
    </message>
    <message>
        <source>Suspicious</source>
        <translation>不審</translation>
    </message>
    <message>
        <source>Clean</source>
        <translation>問題なし</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>隔離済み</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>削除済み</translation>
    </message>
    <message>
        <source>Released</source>
        <translation>隔離解除済み</translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation>変更されていません</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>処理中…</translation>
    </message>
    <message>
        <source>(no sender)</source>
        <translation>（差出人なし）</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>（件名なし）</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>Message text</source>
        <translation>メールの本文</translation>
    </message>
    <message>
        <source>Select one message to read its text.</source>
        <translation>本文を読むには、メールを 1 通選んでください。</translation>
    </message>
    <message>
        <source>Fetching the text…</source>
        <translation>本文を取得しています…</translation>
    </message>
    <message>
        <source>The text could not be fetched: {0}</source>
        <translation>本文を取得できませんでした: {0}</translation>
    </message>
    <message>
        <source>Plain text. Links are not opened.</source>
        <translation>テキストのみを表示しています。リンクは開きません。</translation>
    </message>
    <message>
        <source>HTML shown as plain text: links are written out, images are not loaded.</source>
        <translation>HTML をテキストとして表示しています。リンク先は文字で示し、画像は読み込みません。</translation>
    </message>
    <message>
        <source>This message has no text of its own.</source>
        <translation>このメールには本文がありません。</translation>
    </message>
    <message>
        <source>Only the beginning is shown.</source>
        <translation>最初の部分だけを表示しています。</translation>
    </message>
</context>
<context>
    <name>Providers</name>
    <message>
        <source>Google needs an app password here (Google Account &gt; Security &gt; 2-Step Verification &gt; App passwords), not your Google password.</source>
        <extracomment>note: Gmail</extracomment>
        <translation>ここには Google アカウントのパスワードではなく、アプリ パスワードを入力してください（Google アカウント &gt; セキュリティ &gt; 2 段階認証プロセス &gt; アプリ パスワード）。</translation>
    </message>
    <message>
        <source>Microsoft requires modern (OAuth) sign-in for Outlook.com mailboxes, so it may refuse a password here.</source>
        <extracomment>note: Outlook.com</extracomment>
        <translation>Microsoft は Outlook.com のメールボックスに先進認証（OAuth）でのサインインを求めているため、ここでのパスワードは拒否されることがあります。</translation>
    </message>
    <message>
        <source>Yahoo needs an app password here (Account security &gt; Generate app password), not your Yahoo password.</source>
        <extracomment>note: Yahoo Mail</extracomment>
        <translation>ここには Yahoo のパスワードではなく、アプリ パスワードを入力してください（Account security &gt; Generate app password）。</translation>
    </message>
    <message>
        <source>Apple needs an app-specific password here (appleid.apple.com &gt; Sign-In and Security), not your Apple Account password. iCloud has no POP3.</source>
        <extracomment>note: iCloud Mail</extracomment>
        <translation>ここには Apple アカウントのパスワードではなく、App 用パスワードを入力してください（appleid.apple.com &gt; サインインとセキュリティ）。iCloud は POP3 に対応していません。</translation>
    </message>
    <message>
        <source>AOL needs an app password here (Account security &gt; Generate app password), not your AOL password.</source>
        <extracomment>note: AOL Mail</extracomment>
        <translation>ここには AOL のパスワードではなく、アプリ パスワードを入力してください（Account security &gt; Generate app password）。</translation>
    </message>
    <message>
        <source>Turn on POP3/IMAP access in the GMX web mail settings first.</source>
        <extracomment>note: GMX</extracomment>
        <translation>先に GMX の Web メールの設定で POP3/IMAP アクセスをオンにしてください。</translation>
    </message>
    <message>
        <source>Turn on IMAP or POP access in Zoho Mail&apos;s settings first; with two-factor sign-in Zoho needs an app-specific password. Accounts kept in Zoho&apos;s EU or India data centre use imap.zoho.eu or imap.zoho.in.</source>
        <extracomment>note: Zoho Mail</extracomment>
        <translation>先に Zoho Mail の設定で IMAP または POP アクセスをオンにしてください。2 要素認証でサインインしている場合は、アプリ専用パスワードが必要です。EU またはインドのデータセンターにあるアカウントでは、imap.zoho.eu または imap.zoho.in を使います。</translation>
    </message>
    <message>
        <source>Fastmail needs an app password here (Settings &gt; Privacy &amp; Security &gt; App passwords), not your Fastmail password.</source>
        <extracomment>note: Fastmail</extracomment>
        <translation>ここには Fastmail のパスワードではなく、アプリ パスワードを入力してください（Settings &gt; Privacy &amp; Security &gt; App passwords）。</translation>
    </message>
    <message>
        <source>The user name is your d ACCOUNT ID and the password is the IMAP password shown in My docomo (not your d ACCOUNT password). docomo mail must be allowed for other mail apps first.</source>
        <extracomment>note: docomo mail</extracomment>
        <translation>ユーザー名は dアカウントの ID、パスワードは My docomo に表示される IMAP 用パスワードです（dアカウントのパスワードではありません）。先に、ドコモメールを他のメールアプリで使えるように設定してください。</translation>
    </message>
    <message>
        <source>au mail must be set up for other mail apps first; au shows the server, user name and password to use there.</source>
        <extracomment>note: au mail</extracomment>
        <translation>先に、au メールを他のメールアプリで使えるように設定してください。その設定で、使うサーバー、ユーザー名、パスワードが au から示されます。</translation>
    </message>
    <message>
        <source>SoftBank mail must be set up for other mail apps first; My SoftBank shows the server, user name and password to use there.</source>
        <extracomment>note: SoftBank</extracomment>
        <translation>先に、SoftBank のメールを他のメールアプリで使えるように設定してください。使うサーバー、ユーザー名、パスワードは My SoftBank に表示されます。</translation>
    </message>
    <message>
        <source>So-net&apos;s member pages show the server names and the user name for your address.</source>
        <extracomment>note: So-net</extracomment>
        <translation>このアドレスのサーバー名とユーザー名は、So-net の会員ページで確認できます。</translation>
    </message>
    <message>
        <source>plala&apos;s support pages show the server names and the user name for your address.</source>
        <extracomment>note: plala</extracomment>
        <translation>このアドレスのサーバー名とユーザー名は、ぷららのサポートページで確認できます。</translation>
    </message>
    <message>
        <source>Turn on IMAP/POP access in Yahoo! JAPAN Mail&apos;s settings first.</source>
        <extracomment>note: Yahoo! JAPAN</extracomment>
        <translation>先に Yahoo!メールの設定で IMAP/POP アクセスを有効にしてください。</translation>
    </message>
</context>
<context>
    <name>RiskPanel</name>
    <message>
        <source>Risk panel</source>
        <translation>危険度の詳細</translation>
    </message>
    <message>
        <source>Select a message to see why it was judged as it was.</source>
        <translation>メッセージを選ぶと、そう判定した理由が表示されます。</translation>
    </message>
    <message>
        <source>Do not open the attachments. Update your antivirus and scan with it before opening anything.</source>
        <translation>添付ファイルを開かないでください。ウイルス対策ソフトを最新の状態に更新し、何かを開く前に必ずスキャンしてください。</translation>
    </message>
    <message>
        <source>Noticed, but not a danger here: together they do not make this message dangerous or suspicious.</source>
        <translation>気付いた点ですが、ここでは危険ではありません。これらを合わせても、このメールは危険とも不審とも言えません。</translation>
    </message>
    <message>
        <source>deleted from the server; MailSentry keeps a local copy</source>
        <translation>サーバーから削除済み（MailSentry が手元にコピーを保存）</translation>
    </message>
    <message>
        <source>in MailSentry&apos;s local quarantine (deleted from the POP3 server)</source>
        <translation>MailSentry の手元の隔離フォルダー（POP3 サーバーからは削除済み）</translation>
    </message>
    <message>
        <source>in the quarantine folder {0}, out of your mail program&apos;s way</source>
        <translation>隔離フォルダー {0}（メールソフトからは見えません）</translation>
    </message>
    <message>
        <source>released back to {0}</source>
        <translation>{0} に戻しました</translation>
    </message>
    <message>
        <source>in {0}</source>
        <translation>{0} にあります</translation>
    </message>
    <message>
        <source>Dangerous: this message carries a program or a trick to make you run one.</source>
        <translation>危険: このメッセージには、プログラム、またはプログラムを実行させるための仕掛けが含まれています。</translation>
    </message>
    <message>
        <source>Suspicious: be careful with this message&apos;s attachments.</source>
        <translation>不審: このメッセージの添付ファイルに注意してください。</translation>
    </message>
    <message>
        <source>Clean: MailSentry found nothing dangerous.</source>
        <translation>問題なし: MailSentry は危険なものを見つけませんでした。</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>差出人:</translation>
    </message>
    <message>
        <source>(no sender)</source>
        <translation>（差出人なし）</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>件名:</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>（件名なし）</translation>
    </message>
    <message>
        <source>Where:</source>
        <translation>場所:</translation>
    </message>
    <message>
        <source>Why:</source>
        <translation>理由:</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>検出された内容</translation>
    </message>
    <message>
        <source>Nothing unusual was found.</source>
        <translation>不審な点は見つかりませんでした。</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>添付ファイル</translation>
    </message>
    <message>
        <source>Headers</source>
        <translation>ヘッダー</translation>
    </message>
    <message>
        <source>Real type</source>
        <translation>実際の種類</translation>
    </message>
    <message>
        <source>Declared type</source>
        <translation>宣言された種類</translation>
    </message>
    <message>
        <source>Content</source>
        <translation>中身</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <source>Real name</source>
        <translation>実際の名前</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>block-list: flag the dangerous types on the shipped lists. allow-list: flag every attachment type that is not on the list of allowed types.</source>
        <extracomment>description: extensions.mode</extracomment>
        <translation>ブロックリスト: 付属のリストにある危険な種類を検出します。許可リスト: 許可する種類のリストにない添付ファイルをすべて検出します。</translation>
    </message>
    <message>
        <source>block-list</source>
        <extracomment>choice: extensions.mode</extracomment>
        <translation>ブロックリスト</translation>
    </message>
    <message>
        <source>allow-list</source>
        <extracomment>choice: extensions.mode</extracomment>
        <translation>許可リスト</translation>
    </message>
    <message>
        <source>More extensions to treat as programs (without the dot).</source>
        <extracomment>description: extensions.extra_block</extracomment>
        <translation>プログラムとして扱う拡張子の追加（ドットは付けません）</translation>
    </message>
    <message>
        <source>More extensions to treat as risky (suspicious from strangers).</source>
        <extracomment>description: extensions.extra_warn</extracomment>
        <translation>危険性があるものとして扱う拡張子の追加（知らない差出人からなら不審と判定）</translation>
    </message>
    <message>
        <source>In allow-list mode, the only attachment types that pass.</source>
        <extracomment>description: extensions.allowed</extracomment>
        <translation>許可リストモードで通す添付ファイルの種類（これ以外はすべて検出します）</translation>
    </message>
    <message>
        <source>Addresses you trust. Trust never makes dangerous mail safe.</source>
        <extracomment>description: trust.senders</extracomment>
        <translation>信頼するメールアドレス。信頼しても、危険なメールが安全と判定されることはありません。</translation>
    </message>
    <message>
        <source>Domains you trust (for example your company&apos;s).</source>
        <extracomment>description: trust.domains</extracomment>
        <translation>信頼するドメイン（例: 自分の会社のドメイン）</translation>
    </message>
    <message>
        <source>Your own address, for &apos;same domain&apos; trust; empty: each account&apos;s address, or the message&apos;s recipient.</source>
        <extracomment>description: trust.me</extracomment>
        <translation>「同じドメイン」の信頼に使う自分のアドレス。空欄の場合は、各アカウントのアドレス、またはメッセージの宛先を使います。</translation>
    </message>
    <message>
        <source>What to do with dangerous mail: quarantine (move it to the quarantine folder), delete (MailSentry keeps a local copy), mark (leave it in place, flagged in MailSentry&apos;s list) or leave.</source>
        <extracomment>description: actions.dangerous</extracomment>
        <translation>危険なメールの処理: 隔離（隔離フォルダーへ移動）、削除（MailSentry が手元にコピーを保存）、印を付ける（その場に残し、MailSentry の一覧で印を付ける）、何もしない、から選びます。</translation>
    </message>
    <message>
        <source>quarantine</source>
        <extracomment>choice: actions.dangerous, actions.suspicious</extracomment>
        <translation>隔離フォルダーへ移動</translation>
    </message>
    <message>
        <source>delete</source>
        <extracomment>choice: actions.dangerous, actions.suspicious</extracomment>
        <translation>サーバーから削除（コピーを手元に保存）</translation>
    </message>
    <message>
        <source>mark</source>
        <extracomment>choice: actions.dangerous, actions.suspicious</extracomment>
        <translation>印を付けるだけ</translation>
    </message>
    <message>
        <source>leave</source>
        <extracomment>choice: actions.dangerous, actions.suspicious, actions.clean</extracomment>
        <translation>何もしない</translation>
    </message>
    <message>
        <source>What to do with suspicious mail: quarantine, delete (a local copy is kept), mark (leave it in place, flagged in MailSentry&apos;s list) or leave.</source>
        <extracomment>description: actions.suspicious</extracomment>
        <translation>不審なメールの処理: 隔離、削除（手元にコピーを保存）、印を付ける（その場に残し、MailSentry の一覧で印を付ける）、何もしない、から選びます。</translation>
    </message>
    <message>
        <source>What to do with clean mail.</source>
        <extracomment>description: actions.clean</extracomment>
        <translation>問題のないメールの処理</translation>
    </message>
    <message>
        <source>Ask before acting instead of acting at once.</source>
        <extracomment>description: actions.review_first</extracomment>
        <translation>すぐに処理せず、処理の前に確認する</translation>
    </message>
    <message>
        <source>Notify from the tray when dangerous mail arrives.</source>
        <extracomment>description: notifications.dangerous</extracomment>
        <translation>危険なメールが届いたらトレイから通知する</translation>
    </message>
    <message>
        <source>Notify about suspicious mail too.</source>
        <extracomment>description: notifications.suspicious</extracomment>
        <translation>不審なメールも通知する</translation>
    </message>
    <message>
        <source>How often to check accounts that cannot be watched live (POP3).</source>
        <extracomment>description: watch.poll_seconds</extracomment>
        <translation>常時監視できないアカウント（POP3）をチェックする間隔（秒）</translation>
    </message>
    <message>
        <source>IMAP: a server that takes longer than this (seconds) to answer one command is cut off.</source>
        <extracomment>description: watch.imap_command_seconds</extracomment>
        <translation>IMAP: 1 つのコマンドへの応答にこれより長く (秒) かかるサーバーとの接続は打ち切ります。</translation>
    </message>
    <message>
        <source>POP3: a message larger than this (MB) is judged suspicious without being read whole.</source>
        <extracomment>description: watch.pop3_max_message_mb</extracomment>
        <translation>POP3: これより大きい (MB) メッセージは全体を読まずに「不審」と判定します。</translation>
    </message>
    <message>
        <source>POP3: a message that takes longer than this (seconds) to read is judged suspicious.</source>
        <extracomment>description: watch.pop3_message_seconds</extracomment>
        <translation>POP3: 読み込みにこれより長く (秒) かかるメッセージは「不審」と判定します。</translation>
    </message>
    <message>
        <source>POP3: one check stops after this many minutes; the rest waits for the next check.</source>
        <extracomment>description: watch.pop3_session_minutes</extracomment>
        <translation>POP3: 1 回の確認はこの分数で打ち切り、残りは次の確認で判定します。</translation>
    </message>
    <message>
        <source>Language of the window.</source>
        <extracomment>description: ui.language</extracomment>
        <translation>画面の言語</translation>
    </message>
    <message>
        <source>system</source>
        <extracomment>choice: ui.language</extracomment>
        <translation>システムの言語に合わせる</translation>
    </message>
    <message>
        <source>en</source>
        <extracomment>choice: ui.language</extracomment>
        <translation>English</translation>
    </message>
    <message>
        <source>ja</source>
        <extracomment>choice: ui.language</extracomment>
        <translation>日本語</translation>
    </message>
    <message>
        <source>Start MailSentry when you log in.</source>
        <extracomment>description: ui.start_at_login</extracomment>
        <translation>ログイン時に MailSentry を起動する</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>MailSentry settings</source>
        <translation>MailSentry の設定</translation>
    </message>
    <message>
        <source>Settings sections</source>
        <translation>設定の分類</translation>
    </message>
    <message>
        <source>Problem with the settings</source>
        <translation>設定の問題</translation>
    </message>
    <message>
        <source>Fill in the default of every setting (saved on OK).</source>
        <translation>すべての設定に既定値を入れます（OK で保存されます）。</translation>
    </message>
    <message>
        <source>Attachment types</source>
        <translation>添付ファイルの種類</translation>
    </message>
    <message>
        <source>Trusted senders</source>
        <translation>信頼する差出人</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>処理</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Checking mail</source>
        <translation>メールのチェック</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>画面</translation>
    </message>
    <message>
        <source>Move to the quarantine folder</source>
        <translation>隔離フォルダーへ移動</translation>
    </message>
    <message>
        <source>Delete from the server (a local copy is kept)</source>
        <translation>サーバーから削除（コピーを手元に保存）</translation>
    </message>
    <message>
        <source>Only mark it in MailSentry&apos;s list</source>
        <translation>MailSentry の一覧で印を付けるだけ</translation>
    </message>
    <message>
        <source>Leave it alone</source>
        <translation>何もしない</translation>
    </message>
    <message>
        <source>Block list: flag the dangerous types on the shipped lists</source>
        <translation>ブロックリスト: 付属のリストにある危険な種類を検出</translation>
    </message>
    <message>
        <source>Allow list: flag every type that is not allowed below</source>
        <translation>許可リスト: 下で許可していない種類をすべて検出</translation>
    </message>
    <message>
        <source>The system&apos;s language</source>
        <translation>システムの言語に合わせる</translation>
    </message>
    <message>
        <source> seconds</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source> minutes</source>
        <translation> 分</translation>
    </message>
    <message>
        <source>One per line</source>
        <translation>1 行に 1 つ</translation>
    </message>
    <message>
        <source>The settings could not be saved: {0}</source>
        <translation>設定を保存できませんでした: {0}</translation>
    </message>
    <message>
        <source>Not saved. “{0}” ({1}): {2}.</source>
        <translation>保存していません。「{0}」({1}) の値が正しくありません: {2}</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>info</source>
        <extracomment>severity: INFO</extracomment>
        <translation>参考</translation>
    </message>
    <message>
        <source>low</source>
        <extracomment>severity: LOW</extracomment>
        <translation>低</translation>
    </message>
    <message>
        <source>medium</source>
        <extracomment>severity: MEDIUM</extracomment>
        <translation>中</translation>
    </message>
    <message>
        <source>high</source>
        <extracomment>severity: HIGH</extracomment>
        <translation>高</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Open MailSentry</source>
        <translation>MailSentry を開く</translation>
    </message>
    <message>
        <source>Check now</source>
        <translation>今すぐチェック</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <source>Dangerous mail</source>
        <translation>危険なメール</translation>
    </message>
    <message>
        <source>Suspicious mail</source>
        <translation>不審なメール</translation>
    </message>
    <message>
        <source>1 dangerous message</source>
        <translation>危険なメッセージ 1 通</translation>
    </message>
    <message>
        <source>{n} dangerous messages</source>
        <translation>危険なメッセージ {n} 通</translation>
    </message>
    <message>
        <source>1 suspicious message</source>
        <translation>不審なメッセージ 1 通</translation>
    </message>
    <message>
        <source>{n} suspicious messages</source>
        <translation>不審なメッセージ {n} 通</translation>
    </message>
    <message>
        <source>{what} quarantined in {account}</source>
        <translation>{account} の{what}を隔離しました</translation>
    </message>
    <message>
        <source>{what} deleted from {account} (MailSentry keeps a copy)</source>
        <translation>{account} から{what}を削除しました（MailSentry がコピーを保存しています）</translation>
    </message>
    <message>
        <source>{what} in {folder} of {account}</source>
        <translation>{account} の {folder} に{what}があります</translation>
    </message>
    <message>
        <source>Do not open the attachments.</source>
        <translation>添付ファイルを開かないでください。</translation>
    </message>
    <message>
        <source>Update your antivirus and scan before opening anything.</source>
        <translation>ウイルス対策ソフトを更新し、何かを開く前にスキャンしてください。</translation>
    </message>
    <message>
        <source>{product} signatures are from today.</source>
        <translation>{product} の定義ファイルは今日のものです。</translation>
    </message>
    <message>
        <source>{product} signatures are 1 day old.</source>
        <translation>{product} の定義ファイルは 1 日前のものです。</translation>
    </message>
    <message>
        <source>{product} signatures are {days} days old.</source>
        <translation>{product} の定義ファイルは {days} 日前のものです。</translation>
    </message>
    <message>
        <source>{product} signatures are version {version}.</source>
        <translation>{product} の定義ファイルのバージョンは {version} です。</translation>
    </message>
    <message>
        <source>Your antivirus could not be checked.</source>
        <translation>ウイルス対策ソフトの状態を確認できませんでした。</translation>
    </message>
    <message>
        <source>MailSentry: {0} dangerous message(s) still in your mailboxes</source>
        <translation>MailSentry: 危険なメールが {0} 通、まだメールボックスにあります</translation>
    </message>
    <message>
        <source>MailSentry: no mail account is watched yet</source>
        <translation>MailSentry: 見張っているメールアカウントはまだありません</translation>
    </message>
    <message>
        <source>MailSentry is paused</source>
        <translation>MailSentry は一時停止中です</translation>
    </message>
    <message>
        <source>MailSentry: {0}</source>
        <translation>MailSentry: {0}</translation>
    </message>
    <message>
        <source>MailSentry found dangerous mail</source>
        <translation>MailSentry が危険なメールを見つけました</translation>
    </message>
    <message>
        <source>MailSentry: all clear</source>
        <translation>MailSentry: 問題ありません</translation>
    </message>
    <message>
        <source>MailSentry keeps running in the tray</source>
        <translation>MailSentry はトレイで動き続けます</translation>
    </message>
    <message>
        <source>It goes on watching your mail. To stop it, choose Quit in its menu.</source>
        <translation>引き続きメールを監視します。止めるには、トレイのメニューで「終了」を選んでください。</translation>
    </message>
    <message>
        <source>ClamAV is installed but has no signatures yet: update them (sudo freshclam), then scan.</source>
        <translation>ClamAV はインストールされていますが、定義ファイルがまだありません。更新（sudo freshclam）してから検査してください。</translation>
    </message>
    <message>
        <source>If you have no antivirus, install one and keep it up to date.</source>
        <translation>ウイルス対策ソフトがない場合は、インストールして最新の状態に保ってください。</translation>
    </message>
</context>
<context>
    <name>Verdict</name>
    <message>
        <source>an archive whose contents cannot be listed</source>
        <extracomment>reason: ARCHIVE_UNLISTABLE</extracomment>
        <translation>中身を一覧できない圧縮ファイル</translation>
    </message>
    <message>
        <source>more than one sender</source>
        <extracomment>reason: MULTIPLE_FROM</extracomment>
        <translation>複数の差出人</translation>
    </message>
    <message>
        <source>a sender name that shows another address</source>
        <extracomment>reason: DISPLAY_NAME_SPOOF</extracomment>
        <translation>別のアドレスを見せかける差出人名</translation>
    </message>
    <message>
        <source>a risky type of attachment from a sender you do not know</source>
        <extracomment>reason: RISKY_ATTACHMENT</extracomment>
        <translation>知らない差出人からの、危険性のある種類の添付ファイル</translation>
    </message>
    <message>
        <source>a macro document from a sender you do not know</source>
        <extracomment>reason: MACRO_DOCUMENT</extracomment>
        <translation>知らない差出人からのマクロ付き文書</translation>
    </message>
    <message>
        <source>a password-protected archive from a sender you do not know</source>
        <extracomment>reason: ENCRYPTED_ARCHIVE</extracomment>
        <translation>知らない差出人からのパスワード付き圧縮ファイル</translation>
    </message>
    <message>
        <source>the W32.Hybris pattern: no sender, no subject, no text, and the only content is a program</source>
        <extracomment>reason: _dangerous_reasons</extracomment>
        <translation>W32.Hybris の手口: 差出人、件名、本文がなく、中身はプログラムだけ</translation>
    </message>
    <message>
        <source>a program hidden by a naming or type trick</source>
        <extracomment>reason: _dangerous_reasons</extracomment>
        <translation>名前や種類の偽装で隠されたプログラム</translation>
    </message>
    <message>
        <source>a program inside a bounce, fake bounce or attached message</source>
        <extracomment>reason: _dangerous_reasons</extracomment>
        <translation>エラーメール、偽のエラーメール、または添付されたメッセージの中のプログラム</translation>
    </message>
    <message>
        <source>a program from a sender you do not know</source>
        <extracomment>reason: _dangerous_reasons</extracomment>
        <translation>知らない差出人からのプログラム</translation>
    </message>
    <message>
        <source>a program, even from a sender you know</source>
        <extracomment>reason: _suspicious_reasons</extracomment>
        <translation>プログラム（知っている差出人からでも）</translation>
    </message>
    <message>
        <source>an attachment name or type trick</source>
        <extracomment>reason: _suspicious_reasons</extracomment>
        <translation>添付ファイルの名前や種類の偽装</translation>
    </message>
    <message>
        <source>the W32.Hybris envelope with its attachment already removed</source>
        <extracomment>reason: _suspicious_reasons</extracomment>
        <translation>W32.Hybris と同じ形のメール（添付ファイルはすでに取り除かれています）</translation>
    </message>
    <message>
        <source>a message that can be read in more than one way</source>
        <extracomment>reason: _doubt_reasons</extracomment>
        <translation>2 通り以上に読み取れるメッセージ</translation>
    </message>
    <message>
        <source>a message that cannot be read fully</source>
        <extracomment>reason: _doubt_reasons</extracomment>
        <translation>すべては読み取れないメッセージ</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>Judge the {0} listed message(s) again with the new settings?</source>
        <translation>一覧にある {0} 通のメールを新しい設定で判定し直しますか？</translation>
    </message>
    <message>
        <source>Start at login could not be set: {0}</source>
        <translation>ログイン時の自動起動を設定できませんでした: {0}</translation>
    </message>
</context>
</TS>
