<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../app/about_dialog.py" line="60"/>
        <source>About Hearth</source>
        <translation>Hearth について</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="73"/>
        <source>&lt;h2&gt;Hearth {version}&lt;/h2&gt;&lt;p&gt;An offline assistant for local Gemma 3 models.&lt;br&gt;Nothing you type, drop or store leaves this computer.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;Hearth {version}&lt;/h2&gt;&lt;p&gt;ローカルの Gemma 3 モデルを使うオフラインアシスタント。&lt;br&gt;入力、ドロップ、保存した内容がこのコンピューターの外に出ることはありません。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="85"/>
        <source>Build information</source>
        <translation>ビルド情報</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="86"/>
        <location filename="../../app/about_dialog.py" line="105"/>
        <source>Component</source>
        <translation>コンポーネント</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="86"/>
        <location filename="../../app/about_dialog.py" line="105"/>
        <source>Version</source>
        <translation>バージョン</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="91"/>
        <source>Copy build information</source>
        <translation>ビルド情報をコピー</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="99"/>
        <source>Build</source>
        <translation>ビルド</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="103"/>
        <source>Bundled components and their licences</source>
        <translation>同梱コンポーネントとそのライセンス</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="105"/>
        <source>Licence</source>
        <translation>ライセンス</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="114"/>
        <source>Licence text</source>
        <translation>ライセンス本文</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="121"/>
        <source>Licences</source>
        <translation>ライセンス</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="123"/>
        <source>Reading the build information…</source>
        <translation>ビルド情報を読み込んでいます…</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="167"/>
        <source>{count} components, listed from their own package metadata, and {notes} notes.</source>
        <translation>{count} 個のコンポーネント（各パッケージのメタデータから取得）と {notes} 件の注記。</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="175"/>
        <source>The build information could not be read: {error}</source>
        <translation>ビルド情報を読み込めませんでした: {error}</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="191"/>
        <source>Licence: {license}</source>
        <translation>ライセンス: {license}</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="201"/>
        <source>Its licence is given in the note “{note}”:</source>
        <translation>ライセンスは注記「{note}」に記載されています:</translation>
    </message>
    <message>
        <location filename="../../app/about_dialog.py" line="207"/>
        <source>This package ships no licence file in its metadata.</source>
        <translation>このパッケージのメタデータにはライセンスファイルが含まれていません。</translation>
    </message>
</context>
<context>
    <name>ApiServerPage</name>
    <message>
        <location filename="../../app/api_server_page.py" line="133"/>
        <source>Hide</source>
        <translation>隠す</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="133"/>
        <source>Show</source>
        <translation>表示</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="155"/>
        <source>Start the server with the command above; it serves the chosen model to programs on this computer only (127.0.0.1), with its own copy of the model. Programs must send the token as &apos;Authorization: Bearer &lt;token&gt;&apos;.</source>
        <translation>上のコマンドでサーバーを起動します。選んだモデルをこのコンピューター上のプログラムだけに（127.0.0.1）、専用のモデルのコピーで提供します。プログラムはトークンを &apos;Authorization: Bearer &lt;token&gt;&apos; として送る必要があります。</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="163"/>
        <source>Off: Hearth opens no network socket, and &apos;hearth-cli serve&apos; refuses to start.</source>
        <translation>オフ：Hearth はネットワークソケットを開きません。&apos;hearth-cli serve&apos; も起動しません。</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="170"/>
        <source>Allow the local API server (OpenAI-compatible)</source>
        <translation>ローカル API サーバーを許可（OpenAI 互換）</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Port:</source>
        <translation>ポート：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Address:</source>
        <translation>アドレス：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Token:</source>
        <translation>トークン：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="173"/>
        <source>Command:</source>
        <translation>コマンド：</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="177"/>
        <location filename="../../app/api_server_page.py" line="178"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="179"/>
        <source>New token</source>
        <translation>新しいトークン</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="182"/>
        <source>Let editors and scripts on this computer use Hearth&apos;s model</source>
        <translation>このコンピューター上のエディターやスクリプトが Hearth のモデルを使えるようにします</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="185"/>
        <source>Make a new token; programs using the old one stop working</source>
        <translation>新しいトークンを作ります。古いトークンを使うプログラムは動かなくなります</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="187"/>
        <source>API token</source>
        <translation>API トークン</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="188"/>
        <source>API address</source>
        <translation>API アドレス</translation>
    </message>
    <message>
        <location filename="../../app/api_server_page.py" line="189"/>
        <source>API server port</source>
        <translation>API サーバーのポート</translation>
    </message>
</context>
<context>
    <name>ChatModel</name>
    <message>
        <location filename="../../app/chat/model.py" line="88"/>
        <source>You</source>
        <translation>あなた</translation>
    </message>
    <message>
        <location filename="../../app/chat/model.py" line="90"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <location filename="../../app/chat/view.py" line="187"/>
        <source>Copy message</source>
        <translation>メッセージをコピー</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="191"/>
        <source>Regenerate</source>
        <translation>再生成</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="196"/>
        <source>Continue</source>
        <translation>続ける</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="201"/>
        <source>Edit and resend</source>
        <translation>編集して再送信</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="207"/>
        <source>Previous version</source>
        <translation>前のバージョン</translation>
    </message>
    <message>
        <location filename="../../app/chat/view.py" line="211"/>
        <source>Next version</source>
        <translation>次のバージョン</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../app/composer/composer.py" line="245"/>
        <source>Attach images or documents</source>
        <translation>画像または文書を添付</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="248"/>
        <source>Images and documents (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff *.pdf *.docx *.html *.htm *.md *.txt *.epub);;All files (*)</source>
        <translation>画像と文書 (*.png *.jpg *.jpeg *.webp *.gif *.bmp *.tif *.tiff *.pdf *.docx *.html *.htm *.md *.txt *.epub);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="272"/>
        <source>{name} is neither an image nor a document Hearth can read (PDF, DOCX, HTML, Markdown, text, EPUB).</source>
        <translation>{name} は画像でも、Hearth が読める文書（PDF、DOCX、HTML、Markdown、テキスト、EPUB）でもありません。</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="288"/>
        <source>pasted-{id}.png</source>
        <translation>貼り付け-{id}.png</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="360"/>
        <source>Message</source>
        <translation>メッセージ</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="361"/>
        <source>Your message: Enter sends, Shift+Enter starts a new line</source>
        <translation>メッセージ：Enter で送信、Shift+Enter で改行</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="364"/>
        <source>Message Hearth (Enter sends, Shift+Enter: new line). Drop images or documents here.</source>
        <translation>Hearth へのメッセージ（Enter で送信、Shift+Enter で改行）。画像や文書はここにドロップできます。</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="368"/>
        <source>Attach images or documents (Ctrl+O)</source>
        <translation>画像または文書を添付 (Ctrl+O)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="369"/>
        <source>Attach files</source>
        <translation>ファイルを添付</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="370"/>
        <location filename="../../app/composer/composer.py" line="372"/>
        <source>Send</source>
        <translation>送信</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="371"/>
        <source>Send the message (Enter)</source>
        <translation>メッセージを送信 (Enter)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="373"/>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="374"/>
        <source>Stop the answer (Esc)</source>
        <translation>回答を停止 (Esc)</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="375"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="377"/>
        <source>Editing a message: sending keeps the old version as a branch.</source>
        <translation>メッセージを編集中：送信しても古いバージョンは分岐として残ります。</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="379"/>
        <location filename="../../app/composer/composer.py" line="381"/>
        <source>Cancel edit</source>
        <translation>編集をキャンセル</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="380"/>
        <source>Leave editing without sending (Esc)</source>
        <translation>送信せずに編集を終了 (Esc)</translation>
    </message>
</context>
<context>
    <name>ContextMeter</name>
    <message>
        <location filename="../../app/status_panel.py" line="48"/>
        <source>context %p%</source>
        <translation>コンテキスト %p%</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="49"/>
        <source>Context used</source>
        <translation>使用中のコンテキスト</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="51"/>
        <source>{used} of {size} tokens of the model&apos;s context are used by this conversation. Hearth never drops old messages silently: it warns you before the context is full.</source>
        <translation>この会話はモデルのコンテキスト {size} トークンのうち {used} トークンを使っています。Hearth は古いメッセージを黙って削除しません。コンテキストがいっぱいになる前にお知らせします。</translation>
    </message>
</context>
<context>
    <name>CropCanvas</name>
    <message>
        <location filename="../../app/vision/image_preview.py" line="125"/>
        <source>zoom</source>
        <translation>ズーム</translation>
    </message>
</context>
<context>
    <name>DocumentCard</name>
    <message>
        <location filename="../../app/documents/document_card.py" line="242"/>
        <source>Reading… page {done} of {total}</source>
        <translation>読み込み中… {total} ページ中 {done} ページ目</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="243"/>
        <source>Reading…</source>
        <translation>読み込み中…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="249"/>
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n ページ</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="253"/>
        <source>{tokens} tokens</source>
        <translation>{tokens} トークン</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="256"/>
        <source>fits in the context ({n} tokens)</source>
        <translation>コンテキストに収まります（{n} トークン）</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="261"/>
        <source>does not fit in the context ({n} tokens): it will be summarized in {chunks} parts</source>
        <translation>コンテキスト（{n} トークン）に収まりません：{chunks} 部分に分けて要約します</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="282"/>
        <source>Summarizing part {done} of {total}</source>
        <translation>{total} 部分中 {done} 部分目を要約中</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="286"/>
        <source>Summarized all {total} parts</source>
        <translation>全 {total} 部分の要約が完了しました</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="295"/>
        <source>Combining the {total} part summaries</source>
        <translation>{total} 部分の要約をまとめています</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="297"/>
        <source>%n part(s) resumed from before</source>
        <translation>
            <numerusform>%n 部分は前回の続きから再開</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="301"/>
        <source>about {eta} left</source>
        <translation>残り約 {eta}</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="350"/>
        <source>Summarize</source>
        <translation>要約</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="352"/>
        <source>Summarize the whole document, part by part, with page references</source>
        <translation>文書全体を部分ごとに要約し、ページ参照を付けます</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="354"/>
        <source>Summarize the document</source>
        <translation>文書を要約</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="355"/>
        <source>Ask about it</source>
        <translation>これについて質問</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="359"/>
        <source>Ask about the document</source>
        <translation>文書について質問</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="360"/>
        <location filename="../../app/documents/document_card.py" line="362"/>
        <source>Put the whole text in the chat</source>
        <translation>全文をチャットに入れる</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="361"/>
        <source>Send the complete text with your next message</source>
        <translation>次のメッセージと一緒に全文を送信</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="324"/>
        <location filename="../../app/documents/document_card.py" line="326"/>
        <source>Resume summary</source>
        <translation>要約を再開</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/documents/document_card.py" line="224"/>
        <source>%n page(s) without a text layer (scanned): p. {pages}.</source>
        <translation>
            <numerusform>テキスト層のないページ（スキャン）が %n ページあります：{pages} ページ。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="228"/>
        <source>Reading them needs a model that sees images (Gemma 3 4B, 12B or 27B with its projector); you can choose one in Models.</source>
        <translation>読み取るには画像を扱えるモデル（プロジェクター付きの Gemma 3 4B・12B・27B）が必要です。「モデル」で選べます。</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="232"/>
        <source>The vision model reads them first.</source>
        <translation>先にビジョンモデルが読み取ります。</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="251"/>
        <source>no text layer</source>
        <translation>テキスト層なし</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="272"/>
        <source>Reading scanned page {done} of {total}</source>
        <translation>スキャンページを読み取り中：{total} ページ中 {done} ページ目</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="276"/>
        <source>Reading part {done} of {total} for your question</source>
        <translation>質問のために {total} 部分中 {done} 部分目を読んでいます</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="280"/>
        <source>Read all {total} parts</source>
        <translation>全 {total} 部分を読み終えました</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="288"/>
        <source>Writing the answer</source>
        <translation>回答を書いています</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="288"/>
        <source>Writing the summary</source>
        <translation>要約を書いています</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="291"/>
        <source>Writing the answer from the notes of the {total} parts</source>
        <translation>{total} 部分のメモから回答を書いています</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="320"/>
        <source>Resume answer</source>
        <translation>回答を再開</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="321"/>
        <source>Continue answering where it stopped</source>
        <translation>止まったところから回答を続けます</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="322"/>
        <source>Resume answering the question</source>
        <translation>質問への回答を再開</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="325"/>
        <source>Continue the summary where it stopped</source>
        <translation>止まったところから要約を続けます</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="357"/>
        <source>Ask a question about the document; the answer cites its pages</source>
        <translation>文書について質問します。回答には参照ページが付きます</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="363"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="364"/>
        <source>Stop summarizing (finished parts are kept)</source>
        <translation>要約を停止（完了した部分は保存されます）</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="365"/>
        <source>Cancel the summary</source>
        <translation>要約をキャンセル</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="366"/>
        <location filename="../../app/documents/document_card.py" line="367"/>
        <source>Remove the document</source>
        <translation>文書を削除</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="368"/>
        <source>Summary progress</source>
        <translation>要約の進行状況</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="369"/>
        <location filename="../../app/documents/document_card.py" line="376"/>
        <source>Read scanned pages</source>
        <translation>スキャンページを読み取る</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="372"/>
        <source>Let the vision model read the scanned pages first, so they are part of the summary or answer (one model call per page)</source>
        <translation>先にビジョンモデルがスキャンページを読み取り、要約や回答に含めます（1 ページにつき 1 回モデルを呼び出します）</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="377"/>
        <source>Pages that are images without a text layer</source>
        <translation>テキスト層がなく画像だけのページ</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="378"/>
        <source>Scanned pages</source>
        <translation>スキャンページ</translation>
    </message>
    <message>
        <location filename="../../app/documents/document_card.py" line="379"/>
        <source>Document {name}</source>
        <translation>文書 {name}</translation>
    </message>
</context>
<context>
    <name>DocumentController</name>
    <message>
        <location filename="../../app/documents/controller.py" line="186"/>
        <source>{name} has no text Hearth can read (a scanned document?).</source>
        <translation>{name} には Hearth が読めるテキストがありません（スキャンした文書でしょうか？）。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="197"/>
        <source>Answering your question about this document was interrupted when Hearth closed. Finished parts are saved.</source>
        <translation>Hearth の終了により、この文書についての質問への回答が中断されました。完了した部分は保存されています。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="204"/>
        <source>The summary of this document was interrupted when Hearth closed. Finished parts are saved.</source>
        <translation>Hearth の終了によりこの文書の要約が中断されました。完了した部分は保存されています。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="236"/>
        <source>The whole text goes with your next message.</source>
        <translation>全文が次のメッセージと一緒に送られます。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="240"/>
        <source>Ask your question: Hearth reads the whole document to answer it, with page references.</source>
        <translation>質問を入力してください。Hearth が文書全体を読んで、ページ参照付きで回答します。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="245"/>
        <source>Ask your question: the document goes with your next message.</source>
        <translation>質問を入力してください。文書は次のメッセージと一緒に送られます。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="272"/>
        <source>Type your question about {name} first.</source>
        <translation>先に {name} についての質問を入力してください。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="292"/>
        <source>{name} is too long for the context, so only the parts that match your question best were sent: {parts}.</source>
        <translation>{name} はコンテキストに対して長すぎるため、質問に最も合う部分だけを送信しました：{parts}。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="334"/>
        <source>Reading the scanned pages needs a model that sees images: choose one in Models, then try again.</source>
        <translation>スキャンページを読み取るには画像を扱えるモデルが必要です。「モデル」で選んでから、もう一度お試しください。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="344"/>
        <source>Summarize “{name}”.</source>
        <translation>「{name}」を要約してください。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="428"/>
        <source>The answer is in the chat.</source>
        <translation>回答はチャットにあります。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="430"/>
        <source>The summary is in the chat.</source>
        <translation>要約はチャットにあります。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="436"/>
        <source>Stopped while reading the scanned pages.</source>
        <translation>スキャンページの読み取り中に停止しました。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="439"/>
        <source>Answering stopped after {done} of {total} parts; finished parts are kept.</source>
        <translation>{total} 部分中 {done} 部分で回答を停止しました。完了した部分は保存されています。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="443"/>
        <source>Summary stopped after {done} of {total} parts; finished parts are kept.</source>
        <translation>{total} 部分中 {done} 部分で要約を停止しました。完了した部分は保存されています。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="506"/>
        <source>The cited document is no longer stored.</source>
        <translation>引用された文書はもう保存されていません。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="539"/>
        <source>This page is a scanned image. The vision model read it for the answer, but its reading is no longer stored.</source>
        <translation>このページはスキャン画像です。回答のためにビジョンモデルが読み取りましたが、その読み取り結果はもう保存されていません。</translation>
    </message>
    <message>
        <location filename="../../app/documents/controller.py" line="551"/>
        <source>Cited text</source>
        <translation>引用されたテキスト</translation>
    </message>
</context>
<context>
    <name>ImageChip</name>
    <message>
        <location filename="../../app/composer/composer.py" line="81"/>
        <source>{tokens} tokens</source>
        <translation>{tokens} トークン</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="82"/>
        <location filename="../../app/composer/composer.py" line="83"/>
        <source>Remove {name}</source>
        <translation>{name} を削除</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="84"/>
        <source>Show the crop grid of {name}</source>
        <translation>{name} の切り抜きグリッドを表示</translation>
    </message>
    <message>
        <location filename="../../app/composer/composer.py" line="85"/>
        <source>Image {name}</source>
        <translation>画像 {name}</translation>
    </message>
</context>
<context>
    <name>ImagePreview</name>
    <message>
        <location filename="../../app/vision/image_preview.py" line="321"/>
        <source>full view</source>
        <translation>全体</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/vision/image_preview.py" line="323"/>
        <source>%n crop(s)</source>
        <translation>
            <numerusform>切り抜き %n 枚</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="325"/>
        <source>your zoom box</source>
        <translation>ズーム枠</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="327"/>
        <source>{tiles} × {per} = &lt;b&gt;{tokens} image tokens&lt;/b&gt; ({parts})</source>
        <translation>{tiles} × {per} = &lt;b&gt;画像トークン {tokens}&lt;/b&gt;（{parts}）</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="337"/>
        <source>This image is close to square, so Pan &amp; Scan sends it whole. Drag on it to add a zoomed crop.</source>
        <translation>この画像はほぼ正方形なので、Pan &amp; Scan は全体をそのまま送ります。ドラッグすると拡大した切り抜きを追加できます。</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="342"/>
        <source>Drag on the image to add a high-resolution zoom crop.</source>
        <translation>画像上をドラッグすると、高解像度のズーム切り抜きを追加できます。</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="347"/>
        <source>The loaded model cannot see images (Gemma 3 270M and 1B are text-only). Choose a 4B, 12B or 27B model with its vision projector in Models to ask about this image.</source>
        <translation>読み込まれているモデルは画像を見られません（Gemma 3 270M と 1B はテキスト専用です）。この画像について質問するには、「モデル」で視覚プロジェクター付きの 4B・12B・27B モデルを選んでください。</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="358"/>
        <source>&amp;Pan &amp;&amp; Scan:</source>
        <translation>&amp;Pan &amp;&amp; Scan：</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="359"/>
        <source>Auto (crops for wide or tall images)</source>
        <translation>自動（横長・縦長の画像は切り抜く）</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="360"/>
        <source>Off (whole image only)</source>
        <translation>オフ（画像全体のみ）</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="362"/>
        <source>Pan &amp; Scan sends extra crops of elongated images so small details stay sharp</source>
        <translation>Pan &amp; Scan は細長い画像の切り抜きを追加で送り、細部をはっきり保ちます</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="364"/>
        <source>Pan and Scan mode</source>
        <translation>Pan &amp; Scan モード</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="365"/>
        <location filename="../../app/vision/image_preview.py" line="367"/>
        <source>Remove zoom box</source>
        <translation>ズーム枠を削除</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="366"/>
        <source>Remove the zoom crop you drew</source>
        <translation>描いたズーム切り抜きを削除</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="369"/>
        <location filename="../../app/vision/image_preview.py" line="370"/>
        <source>Close the preview</source>
        <translation>プレビューを閉じる</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="371"/>
        <source>Image with its Pan and Scan crop grid</source>
        <translation>Pan &amp; Scan 切り抜きグリッド付きの画像</translation>
    </message>
    <message>
        <location filename="../../app/vision/image_preview.py" line="372"/>
        <source>Drag to draw a zoom box</source>
        <translation>ドラッグしてズーム枠を描く</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/main_window.py" line="314"/>
        <source>&amp;File</source>
        <translation>ファイル(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="315"/>
        <source>&amp;Edit</source>
        <translation>編集(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="316"/>
        <source>&amp;View</source>
        <translation>表示(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="317"/>
        <source>&amp;Models</source>
        <translation>モデル(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="318"/>
        <source>&amp;Help</source>
        <translation>ヘルプ(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="320"/>
        <source>New chat</source>
        <translation>新しいチャット</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="321"/>
        <source>Attach images or documents…</source>
        <translation>画像または文書を添付…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="322"/>
        <source>Export conversation…</source>
        <translation>会話をエクスポート…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="323"/>
        <source>Quit</source>
        <translation>終了</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="324"/>
        <source>Copy conversation</source>
        <translation>会話をコピー</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="325"/>
        <source>Regenerate the last answer</source>
        <translation>最後の回答を再生成</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="326"/>
        <source>Stop the answer</source>
        <translation>回答を停止</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="327"/>
        <source>Search conversations</source>
        <translation>会話を検索</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="328"/>
        <source>Go to the message box</source>
        <translation>メッセージ欄へ移動</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="329"/>
        <source>Next conversation</source>
        <translation>次の会話</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="330"/>
        <source>Previous conversation</source>
        <translation>前の会話</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="331"/>
        <source>Settings…</source>
        <translation>設定…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="332"/>
        <source>Manage models…</source>
        <translation>モデルを管理…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="334"/>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="335"/>
        <source>About Hearth</source>
        <translation>Hearth について</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="340"/>
        <source>The model that answers (Ctrl+Shift+M to manage)</source>
        <translation>回答するモデル（Ctrl+Shift+M で管理）</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="341"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="342"/>
        <source>Models…</source>
        <translation>モデル…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="343"/>
        <source>Add, inspect and switch models (Ctrl+Shift+M)</source>
        <translation>モデルの追加・確認・切り替え (Ctrl+Shift+M)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="344"/>
        <source>Manage models</source>
        <translation>モデルを管理</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="345"/>
        <source>Conversation</source>
        <translation>会話</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="349"/>
        <source>Messages; Ctrl+C copies the selected one, Alt+Left and Alt+Right switch versions</source>
        <translation>メッセージ一覧。Ctrl+C で選択中のメッセージをコピー、Alt+←/→ でバージョンを切り替え</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="352"/>
        <source>Conversation title</source>
        <translation>会話のタイトル</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="355"/>
        <source>&lt;h2&gt;Ask anything.&lt;/h2&gt;&lt;p&gt;Nothing leaves this computer.&lt;/p&gt;&lt;p&gt;Drop an image to ask about it, or a PDF to summarize it.&lt;br&gt;Press F1 for keyboard shortcuts.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;なんでも聞いてください。&lt;/h2&gt;&lt;p&gt;何もこのコンピューターの外に出ません。&lt;/p&gt;&lt;p&gt;画像をドロップすればその画像について質問でき、PDF をドロップすれば要約できます。&lt;br&gt;F1 でキーボードショートカットを表示します。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="360"/>
        <source>Empty conversation</source>
        <translation>空の会話</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="460"/>
        <source>New conversation</source>
        <translation>新しい会話</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="497"/>
        <source>The loaded model cannot see images, so the message was not sent. Choose a model with a vision projector in Models, or remove the images.</source>
        <translation>読み込まれているモデルは画像を見られないため、メッセージは送信されませんでした。「モデル」で視覚プロジェクター付きのモデルを選ぶか、画像を削除してください。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="501"/>
        <source>Send without the images</source>
        <translation>画像なしで送信</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="515"/>
        <source>This message does not fit: the conversation would need about {need} tokens but the model&apos;s context holds {n_ctx}. Hearth never drops earlier messages silently; start a new chat or raise the context size in Settings.</source>
        <translation>このメッセージは収まりません。会話には約 {need} トークンが必要ですが、モデルのコンテキストは {n_ctx} トークンです。Hearth は以前のメッセージを黙って削除しません。新しいチャットを始めるか、設定でコンテキストサイズを大きくしてください。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="525"/>
        <source>The context is nearly full: the answer may stop early when it fills up. Start a new chat to keep going.</source>
        <translation>コンテキストがほぼいっぱいです。いっぱいになると回答が途中で止まることがあります。新しいチャットで続けてください。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="606"/>
        <source>You</source>
        <translation>あなた</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="606"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="608"/>
        <source>Conversation copied</source>
        <translation>会話をコピーしました</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="643"/>
        <source>Export conversation</source>
        <translation>会話をエクスポート</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="645"/>
        <source>Markdown (*.md);;Web page (*.html);;Hearth JSON (*.json)</source>
        <translation>Markdown (*.md);;Web ページ (*.html);;Hearth JSON (*.json)</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="650"/>
        <source>Exporting…</source>
        <translation>エクスポートしています…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="654"/>
        <source>Exported to {path}</source>
        <translation>{path} にエクスポートしました</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="675"/>
        <source>This conversation uses {share:.0%} of the model&apos;s context ({used} of {size} tokens). Hearth never drops earlier messages silently: start a new chat, or raise the context size in Settings, before it is full.</source>
        <translation>この会話はモデルのコンテキストの {share:.0%}（{size} トークン中 {used}）を使っています。Hearth は以前のメッセージを黙って削除しません。いっぱいになる前に新しいチャットを始めるか、設定でコンテキストサイズを大きくしてください。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="693"/>
        <source>The attached images will use {tokens} more tokens.</source>
        <translation>添付した画像でさらに {tokens} トークン使います。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="703"/>
        <source>Looking at the image… {done}/{total}</source>
        <translation>画像を見ています… {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="705"/>
        <source>Reading the conversation… {done}/{total}</source>
        <translation>会話を読み込み中… {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="714"/>
        <source>Hearth hit a bug</source>
        <translation>Hearth で不具合が発生しました</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="716"/>
        <source>Something went wrong inside Hearth. Your conversations are saved. Please copy the details below into a bug report.</source>
        <translation>Hearth の内部で問題が起きました。会話は保存されています。下の詳細をコピーして不具合報告に貼り付けてください。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="773"/>
        <source>vision</source>
        <translation>画像対応</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="851"/>
        <source>No usable model was found. Add a Gemma 3 GGUF file in Models.</source>
        <translation>使えるモデルが見つかりません。「モデル」で Gemma 3 の GGUF ファイルを追加してください。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="942"/>
        <source>Choose format…</source>
        <translation>形式を選ぶ…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="948"/>
        <source>The model could not be loaded: {reason}</source>
        <translation>モデルを読み込めませんでした：{reason}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1003"/>
        <source>Loading model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1003"/>
        <source>No model</source>
        <translation>モデルなし</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1005"/>
        <location filename="../../app/main_window.py" line="1010"/>
        <source>sees images</source>
        <translation>画像対応</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1005"/>
        <location filename="../../app/main_window.py" line="1010"/>
        <source>text only</source>
        <translation>テキストのみ</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1011"/>
        <source>Gemma 3 {label} · {quant} · {ctx} tokens context · {vision}</source>
        <translation>Gemma 3 {label} · {quant} · コンテキスト {ctx} トークン · {vision}</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1141"/>
        <source>{name} was not found, or is not a file.</source>
        <translation>{name} が見つからないか、ファイルではありません。</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="333"/>
        <source>Remote engines…</source>
        <translation>リモートエンジン…</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="780"/>
        <source>remote</source>
        <translation>リモート</translation>
    </message>
    <message>
        <location filename="../../app/main_window.py" line="1006"/>
        <source>{model} · remote · {ctx} tokens context · {vision}</source>
        <translation>{model} · リモート · コンテキスト {ctx} トークン · {vision}</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <location filename="../../app/chat/delegate.py" line="90"/>
        <source>writing…</source>
        <translation>作成中…</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="93"/>
        <source>Stopped before the end.</source>
        <translation>最後まで書く前に停止しました。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="94"/>
        <source>Interrupted: Hearth closed while this answer was being written.</source>
        <translation>中断：この回答の作成中に Hearth が終了しました。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="97"/>
        <source>This answer failed: {error}</source>
        <translation>この回答は失敗しました：{error}</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="107"/>
        <source>Cut at the answer length limit.</source>
        <translation>回答の長さの上限で打ち切られました。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="109"/>
        <source>Stopped: the context is full.</source>
        <translation>停止：コンテキストがいっぱいです。</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="119"/>
        <location filename="../../app/chat/delegate.py" line="180"/>
        <location filename="../../app/warmup.py" line="171"/>
        <source>Copy</source>
        <translation>コピー</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="123"/>
        <source>Regenerate</source>
        <translation>再生成</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="127"/>
        <source>Continue</source>
        <translation>続ける</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="130"/>
        <source>Edit</source>
        <translation>編集</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="159"/>
        <source>{tokens} tokens · {tps:.1f} tokens/s</source>
        <translation>{tokens} トークン · {tps:.1f} トークン/秒</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="202"/>
        <source>You</source>
        <translation>あなた</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="171"/>
        <source>{name}: its text went with this message</source>
        <translation>{name}：本文はこのメッセージと一緒に送られました</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="204"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="187"/>
        <source>Attached:</source>
        <translation>添付：</translation>
    </message>
    <message>
        <location filename="../../app/chat/delegate.py" line="102"/>
        <source>Interrupted: {error}</source>
        <translation>中断されました：{error}</translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <location filename="../../app/models/model_manager.py" line="248"/>
        <source> (bundled)</source>
        <translation>（同梱）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="262"/>
        <source>yes</source>
        <translation>はい</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="264"/>
        <source>needs a projector</source>
        <translation>プロジェクターが必要</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="266"/>
        <source>no</source>
        <translation>いいえ</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="592"/>
        <source>Vision projector: {name}</source>
        <translation>視覚プロジェクター：{name}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="594"/>
        <source>No vision projector</source>
        <translation>視覚プロジェクターなし</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="603"/>
        <source>Estimated memory {memory}</source>
        <translation>推定メモリ {memory}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="611"/>
        <location filename="../../app/models/model_manager.py" line="734"/>
        <source>Add a model</source>
        <translation>モデルを追加</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="611"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF モデル (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="625"/>
        <source>Added {name} with its vision projector {mmproj}.</source>
        <translation>{name} を視覚プロジェクター {mmproj} と一緒に追加しました。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="630"/>
        <source>Added {name}.</source>
        <translation>{name} を追加しました。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="644"/>
        <location filename="../../app/models/model_manager.py" line="739"/>
        <source>Choose the vision projector</source>
        <translation>視覚プロジェクターを選択</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="646"/>
        <source>GGUF projectors (*.gguf)</source>
        <translation>GGUF プロジェクター (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="682"/>
        <source>Models</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="685"/>
        <location filename="../../app/models/model_manager.py" line="699"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="686"/>
        <source>Architecture</source>
        <translation>アーキテクチャ</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="687"/>
        <source>Size</source>
        <translation>サイズ</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="688"/>
        <source>File</source>
        <translation>ファイル</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="689"/>
        <source>Quantization</source>
        <translation>量子化</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="690"/>
        <source>Max context</source>
        <translation>最大コンテキスト</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="691"/>
        <source>Vision</source>
        <translation>画像</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="692"/>
        <location filename="../../app/models/model_manager.py" line="701"/>
        <source>Estimated RAM</source>
        <translation>推定メモリ</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="724"/>
        <source>Known models</source>
        <translation>登録済みモデル</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="726"/>
        <source>Double-click a model to use it; drop a .gguf here to add it</source>
        <translation>モデルをダブルクリックで使用、.gguf をここにドロップして追加</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="728"/>
        <source>Estimate memory for a context of</source>
        <translation>次のコンテキストでメモリを推定</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="729"/>
        <source> tokens</source>
        <translation> トークン</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="730"/>
        <source>The context size the memory estimate is for</source>
        <translation>メモリ推定に使うコンテキストサイズ</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="731"/>
        <source>Context size for the estimate</source>
        <translation>推定用のコンテキストサイズ</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="732"/>
        <source>Add a GGUF…</source>
        <translation>GGUF を追加…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="733"/>
        <source>Add a Gemma 3 GGUF file (its header is checked first)</source>
        <translation>Gemma 3 の GGUF ファイルを追加（最初にヘッダーを検査します）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="735"/>
        <source>Choose projector…</source>
        <translation>プロジェクターを選択…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="737"/>
        <source>Pick the vision projector (mmproj) for this model</source>
        <translation>このモデル用の視覚プロジェクター (mmproj) を選択</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="740"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="741"/>
        <source>Forget this model (the file is not deleted)</source>
        <translation>このモデルを一覧から外します（ファイルは削除しません）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="742"/>
        <source>Remove the model from the list</source>
        <translation>モデルを一覧から削除</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="743"/>
        <location filename="../../app/models/model_manager.py" line="745"/>
        <source>Use this model</source>
        <translation>このモデルを使う</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="744"/>
        <source>Load the selected model</source>
        <translation>選択したモデルを読み込む</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="320"/>
        <source>Hearth (bundled)</source>
        <translation>Hearth（同梱）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="323"/>
        <source>Hearth</source>
        <translation>Hearth</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="327"/>
        <source>ready</source>
        <translation>使用可</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="328"/>
        <source>ready (updated by its app)</source>
        <translation>使用可（元のアプリで更新済み）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="329"/>
        <source>ready (moved)</source>
        <translation>使用可（移動済み）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="330"/>
        <source>missing</source>
        <translation>見つかりません</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="331"/>
        <source>cannot be used</source>
        <translation>使用できません</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="341"/>
        <source>Looking for models other apps downloaded…</source>
        <translation>他のアプリがダウンロードしたモデルを探しています…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="372"/>
        <source>Found {count} models from other apps ({apps}); they are used in place.</source>
        <translation>他のアプリのモデルが {count} 個見つかりました（{apps}）。その場所のまま使います。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="375"/>
        <source>No models from other apps were found.</source>
        <translation>他のアプリのモデルは見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="379"/>
        <source>Missing now: {count} found earlier.</source>
        <translation>以前に見つかった {count} 個が現在見つかりません。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="382"/>
        <source>{count} cannot be used (see the reason under the list).</source>
        <translation>{count} 個は使用できません（理由は一覧の下に表示されます）。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="408"/>
        <source>fits</source>
        <translation>余裕あり</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="409"/>
        <source>tight</source>
        <translation>ぎりぎり</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="410"/>
        <source>too big</source>
        <translation>大きすぎる</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="411"/>
        <source>unknown</source>
        <translation>不明</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="426"/>
        <source>Needs about {need} of this computer&apos;s {ram}</source>
        <translation>このコンピューターの {ram} のうち約 {need} が必要です</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="439"/>
        <source>downloading {percent}%</source>
        <translation>ダウンロード中 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="444"/>
        <source>downloaded</source>
        <translation>ダウンロード済み</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="448"/>
        <source>paused at {percent}%</source>
        <translation>{percent}% で一時停止中</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="450"/>
        <source>no verified hash</source>
        <translation>検証済みハッシュなし</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="452"/>
        <source>not supported yet</source>
        <translation>未対応</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="477"/>
        <source>Choose a model to download. Hearth connects to the network only when you click Download, and only to {host}.</source>
        <translation>ダウンロードするモデルを選んでください。Hearth がネットワークに接続するのは「ダウンロード」をクリックしたときだけで、接続先は {host} のみです。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="489"/>
        <source>Downloads from {host}: {repo} — {files}</source>
        <translation>{host} からダウンロード：{repo} — {files}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="492"/>
        <source>Licence: {licence} ({url})</source>
        <translation>ライセンス：{licence}（{url}）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="501"/>
        <source>Hearth does not know this file&apos;s published SHA-256 yet, so it will not download it: a file it cannot check is never made usable.</source>
        <translation>Hearth はこのファイルの公開 SHA-256 をまだ把握していないため、ダウンロードしません。検証できないファイルが使える状態になることはありません。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="508"/>
        <source>This version of Hearth cannot run the {arch} architecture yet, so it does not download it.</source>
        <translation>このバージョンの Hearth はまだ {arch} アーキテクチャを実行できないため、ダウンロードしません。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="517"/>
        <source>Resume</source>
        <translation>再開</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="517"/>
        <location filename="../../app/models/model_manager.py" line="700"/>
        <location filename="../../app/models/model_manager.py" line="709"/>
        <source>Download</source>
        <translation>ダウンロード</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="542"/>
        <source>{done} of {total}</source>
        <translation>{total} 中 {done}</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="549"/>
        <source>Checking the SHA-256 of the downloaded file…</source>
        <translation>ダウンロードしたファイルの SHA-256 を確認しています…</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="553"/>
        <source>Downloaded and verified; the model is listed under On this computer.</source>
        <translation>ダウンロードと検証が完了しました。モデルは「このコンピューター」に表示されています。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="561"/>
        <source>Download cancelled; the partial file was deleted.</source>
        <translation>ダウンロードをキャンセルし、途中までのファイルを削除しました。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="563"/>
        <source>Download paused; Resume continues where it stopped.</source>
        <translation>ダウンロードを一時停止しました。「再開」で止まったところから続けます。</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="569"/>
        <source>failed</source>
        <translation>失敗</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="598"/>
        <source>{path} (kept by {app}, used in place)</source>
        <translation>{path}（{app} が管理、その場所のまま使用）</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="693"/>
        <source>Kept by</source>
        <translation>管理元</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="694"/>
        <location filename="../../app/models/model_manager.py" line="704"/>
        <source>Status</source>
        <translation>状態</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="702"/>
        <source>Fits this computer?</source>
        <translation>このコンピューターで動くか</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="703"/>
        <source>Licence</source>
        <translation>ライセンス</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="707"/>
        <source>Models to download</source>
        <translation>ダウンロードできるモデル</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="708"/>
        <source>On this computer</source>
        <translation>このコンピューター</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="710"/>
        <source>Look for models from other apps</source>
        <translation>他のアプリのモデルを探す</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="713"/>
        <source>Find GGUF models that Ollama, LM Studio, Jan, GPT4All, llama.cpp or the Hugging Face cache downloaded; they are used where they are, not copied</source>
        <translation>Ollama、LM Studio、Jan、GPT4All、llama.cpp、Hugging Face キャッシュがダウンロードした GGUF モデルを探します。コピーせず、その場所のまま使います</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="717"/>
        <source>Pause</source>
        <translation>一時停止</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="718"/>
        <source>Stop for now; Resume continues where it stopped</source>
        <translation>いったん止めます。「再開」で止まったところから続けます</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="719"/>
        <source>Cancel</source>
        <translation>キャンセル</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="720"/>
        <source>Stop and delete the partial download</source>
        <translation>止めて、途中までのダウンロードを削除します</translation>
    </message>
    <message>
        <location filename="../../app/models/model_manager.py" line="722"/>
        <source>Download the selected model, check its SHA-256, then list it</source>
        <translation>選んだモデルをダウンロードし、SHA-256 を確認してから一覧に加えます</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <location filename="../../app/notices.py" line="92"/>
        <location filename="../../app/notices.py" line="93"/>
        <source>Dismiss this message</source>
        <translation>このメッセージを閉じる</translation>
    </message>
    <message>
        <location filename="../../app/notices.py" line="94"/>
        <source>Notice</source>
        <translation>お知らせ</translation>
    </message>
</context>
<context>
    <name>PromptFormatDialog</name>
    <message>
        <location filename="../../app/models/prompt_format_dialog.py" line="36"/>
        <source>Prompt format</source>
        <translation>プロンプト形式</translation>
    </message>
    <message>
        <location filename="../../app/models/prompt_format_dialog.py" line="40"/>
        <source>{model} does not say how its conversations are laid out. Choose the format it was trained with (its model card says which); Hearth remembers the choice.</source>
        <translation>{model} には会話の書式が記されていません。学習に使われた形式を選んでください（モデルカードに書かれています）。Hearth はこの選択を覚えます。</translation>
    </message>
</context>
<context>
    <name>RemoteEnginesDialog</name>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="248"/>
        <source>Remote engine</source>
        <translation>リモートエンジン</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="251"/>
        <source>Remote engine {n}</source>
        <translation>リモートエンジン {n}</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="275"/>
        <source>CA certificates</source>
        <translation>CA 証明書</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="275"/>
        <source>PEM files (*.pem *.crt);;All (*)</source>
        <translation>PEM ファイル (*.pem *.crt);;すべてのファイル (*)</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="290"/>
        <source>Asking {url}…</source>
        <translation>{url} に問い合わせ中…</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="310"/>
        <source>The server lists {n} model(s).</source>
        <translation>サーバーは {n} 個のモデルを提供しています。</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="350"/>
        <source>Remote engines</source>
        <translation>リモートエンジン</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="351"/>
        <source>Add</source>
        <translation>追加</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="352"/>
        <source>Remove</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="353"/>
        <source>Ask the server</source>
        <translation>サーバーに問い合わせる</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="355"/>
        <source>Contacts only the address above and lists the models it serves</source>
        <translation>上のアドレスだけに接続し、提供されているモデルを一覧にします</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="357"/>
        <source>Choose…</source>
        <translation>選択…</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="358"/>
        <source>Verify the server&apos;s TLS certificate</source>
        <translation>サーバーの TLS 証明書を検証する</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="359"/>
        <source>the system&apos;s certificates</source>
        <translation>システムの証明書</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="360"/>
        <source>none</source>
        <translation>なし</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="361"/>
        <source>as the server says</source>
        <translation>サーバーの値を使う</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="365"/>
        <source>Decide from the model name</source>
        <translation>モデル名から判断</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="366"/>
        <source>Gemma 3 (Pan &amp; Scan tiles, Gemma tokenizer)</source>
        <translation>Gemma 3（Pan &amp; Scan タイル、Gemma トークナイザー）</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="367"/>
        <source>Other (plain images, estimated token counts)</source>
        <translation>その他（元の画像、推定トークン数）</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="372"/>
        <source>Keys are kept in the system keyring.</source>
        <translation>キーはシステムのキーリングに保存されます。</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="375"/>
        <source>This system has no keyring: keys are kept in {path}, readable only by you.</source>
        <translation>このシステムにはキーリングがありません。キーは {path} に保存され、あなただけが読み取れます。</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="379"/>
        <source>Name</source>
        <translation>名前</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="380"/>
        <source>Server address</source>
        <translation>サーバーのアドレス</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="381"/>
        <source>API key</source>
        <translation>API キー</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="383"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="384"/>
        <source>Connect timeout</source>
        <translation>接続タイムアウト</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="385"/>
        <source>Read timeout</source>
        <translation>読み取りタイムアウト</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="386"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="387"/>
        <source>CA file</source>
        <translation>CA ファイル</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="388"/>
        <source>Model family</source>
        <translation>モデルの系統</translation>
    </message>
    <message>
        <location filename="../../app/remote/engines_dialog.py" line="389"/>
        <source>Context size</source>
        <translation>コンテキストサイズ</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/settings_dialog.py" line="267"/>
        <source>Settings</source>
        <translation>設定</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="268"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="269"/>
        <source>Answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="270"/>
        <source>Images and appearance</source>
        <translation>画像と外観</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="271"/>
        <source>Local API server</source>
        <translation>ローカル API サーバー</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="272"/>
        <source>Context size (tokens):</source>
        <translation>コンテキストサイズ（トークン）：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="273"/>
        <source>Threads:</source>
        <translation>スレッド数：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="274"/>
        <source>KV cache type:</source>
        <translation>KV キャッシュの型：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="275"/>
        <source>Automatic (one per physical core)</source>
        <translation>自動（物理コアごとに 1 つ）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="276"/>
        <source>Sampling preset:</source>
        <translation>サンプリングのプリセット：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="277"/>
        <source>Answer length limit (tokens):</source>
        <translation>回答の長さの上限（トークン）：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="278"/>
        <source>System prompt:</source>
        <translation>システムプロンプト：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="279"/>
        <source>Gemma default</source>
        <translation>Gemma 標準</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="280"/>
        <source>Precise</source>
        <translation>正確</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="281"/>
        <source>Creative</source>
        <translation>創造的</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="282"/>
        <source>Custom</source>
        <translation>カスタム</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="283"/>
        <source>Custom sampling</source>
        <translation>カスタムサンプリング</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="287"/>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="288"/>
        <source>Top-k:</source>
        <translation>Top-k：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="289"/>
        <source>Top-p:</source>
        <translation>Top-p：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="290"/>
        <source>Min-p:</source>
        <translation>Min-p：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="291"/>
        <source>Repeat penalty:</source>
        <translation>繰り返しペナルティ：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="296"/>
        <source>Pan &amp; Scan for new images:</source>
        <translation>新しい画像の Pan &amp; Scan：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="298"/>
        <source>Theme:</source>
        <translation>テーマ：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="299"/>
        <source>Language:</source>
        <translation>言語：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="300"/>
        <source>Font size (0: system):</source>
        <translation>文字サイズ（0：システム）：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="302"/>
        <source>Auto</source>
        <translation>自動</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="303"/>
        <source>Off</source>
        <translation>オフ</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="304"/>
        <source>System</source>
        <translation>システム</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="305"/>
        <source>Light</source>
        <translation>ライト</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="306"/>
        <source>Dark</source>
        <translation>ダーク</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="307"/>
        <source>System language</source>
        <translation>システムの言語</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="310"/>
        <source>How many tokens the model can see at once; more needs more memory</source>
        <translation>モデルが一度に見られるトークン数。多いほどメモリを使います</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="312"/>
        <source>CPU threads used for the model</source>
        <translation>モデルが使う CPU スレッド数</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="313"/>
        <source>Let Hearth pick the number of threads</source>
        <translation>スレッド数を Hearth に任せる</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="314"/>
        <source>q8_0 halves the memory of the context cache</source>
        <translation>q8_0 にするとコンテキストキャッシュのメモリが半分になります</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="315"/>
        <source>How adventurous the answers are</source>
        <translation>回答の冒険度</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="316"/>
        <source>Higher is more varied; 0 always picks the likeliest word</source>
        <translation>高いほど多様になります。0 では常に最も確率の高い語を選びます</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="317"/>
        <source>Only the k likeliest words are considered (0: all)</source>
        <translation>確率上位 k 語だけを候補にします（0：すべて）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="318"/>
        <source>Only the likeliest words adding up to this share are considered</source>
        <translation>確率の合計がこの割合に達するまでの上位の語だけを候補にします</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="319"/>
        <source>Words less likely than this share of the best are dropped</source>
        <translation>最も確率の高い語のこの割合より低い語は除外します</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="320"/>
        <source>Above 1 discourages repeating words (1: off)</source>
        <translation>1 より大きいと同じ語の繰り返しを抑えます（1：オフ）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="321"/>
        <source>The longest answer Hearth lets the model write</source>
        <translation>Hearth がモデルに書かせる回答の最大の長さ</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="322"/>
        <source>Instructions placed before every conversation</source>
        <translation>すべての会話の前に置く指示</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="323"/>
        <source>Whether elongated images get extra crops by default</source>
        <translation>細長い画像に既定で切り抜きを追加するかどうか</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="328"/>
        <source>Light, dark, or follow the system</source>
        <translation>ライト、ダーク、またはシステムに合わせる</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="329"/>
        <source>The language of Hearth&apos;s own texts</source>
        <translation>Hearth の表示言語</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="330"/>
        <source>Text size in points</source>
        <translation>文字サイズ（ポイント）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="335"/>
        <source>Context size</source>
        <translation>コンテキストサイズ</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="336"/>
        <source>Threads</source>
        <translation>スレッド数</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="337"/>
        <source>Automatic threads</source>
        <translation>スレッド数を自動</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="338"/>
        <source>KV cache type</source>
        <translation>KV キャッシュの型</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="339"/>
        <source>Sampling preset</source>
        <translation>サンプリングのプリセット</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="340"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="341"/>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="342"/>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="343"/>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="344"/>
        <source>Repeat penalty</source>
        <translation>繰り返しペナルティ</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="345"/>
        <source>Answer length limit</source>
        <translation>回答の長さの上限</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="346"/>
        <source>System prompt</source>
        <translation>システムプロンプト</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="347"/>
        <source>Pan and Scan default</source>
        <translation>Pan &amp; Scan の既定</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="349"/>
        <source>Theme</source>
        <translation>テーマ</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="350"/>
        <source>Language</source>
        <translation>言語</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="351"/>
        <source>Font size</source>
        <translation>文字サイズ</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="297"/>
        <source>JPEG decoding:</source>
        <translation>JPEG のデコード：</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="301"/>
        <source>Faster, approximate (big photos at reduced size)</source>
        <translation>高速・近似（大きな写真を縮小してデコード）</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="325"/>
        <source>Saves a fraction of a second per big photo, but the model sees slightly different pixels than the reference preprocessing. Changing it reloads the model.</source>
        <translation>大きな写真1枚につき1秒足らず速くなりますが、モデルが見るピクセルは標準の前処理とわずかに異なります。変更するとモデルを再読み込みします。</translation>
    </message>
    <message>
        <location filename="../../app/settings_dialog.py" line="348"/>
        <source>Fast approximate JPEG decoding</source>
        <translation>高速な近似 JPEG デコード</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../app/help_dialog.py" line="21"/>
        <source>Send the message</source>
        <translation>メッセージを送信</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="22"/>
        <source>New line in the message</source>
        <translation>メッセージ内で改行</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="23"/>
        <source>Copy the selected message</source>
        <translation>選択中のメッセージをコピー</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="25"/>
        <source>Previous / next version of the selected message</source>
        <translation>選択中のメッセージの前/次のバージョン</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="30"/>
        <source>Rename the selected conversation</source>
        <translation>選択中の会話の名前を変更</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="32"/>
        <source>Delete the selected conversation</source>
        <translation>選択中の会話を削除</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="35"/>
        <source>Paste an image or file</source>
        <translation>画像またはファイルを貼り付け</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="36"/>
        <source>Move between areas</source>
        <translation>領域間を移動</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="44"/>
        <location filename="../../app/help_dialog.py" line="55"/>
        <source>Keyboard shortcuts</source>
        <translation>キーボードショートカット</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="56"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../../app/help_dialog.py" line="56"/>
        <source>Keys</source>
        <translation>キー</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="214"/>
        <location filename="../../app/sidebar/sidebar.py" line="544"/>
        <location filename="../../app/sidebar/sidebar.py" line="658"/>
        <source>New conversation</source>
        <translation>新しい会話</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="352"/>
        <source>{title}
{count} messages · {when}</source>
        <translation>{title}
メッセージ {count} 件 · {when}</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="423"/>
        <source>Rename…</source>
        <translation>名前を変更…</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="425"/>
        <source>Unpin</source>
        <translation>ピン留めを外す</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="425"/>
        <source>Pin to the top</source>
        <translation>上部にピン留め</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="428"/>
        <source>Move to folder…</source>
        <translation>フォルダーへ移動…</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="430"/>
        <source>Delete</source>
        <translation>削除</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="438"/>
        <source>Rename conversation</source>
        <translation>会話の名前を変更</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="439"/>
        <source>New title:</source>
        <translation>新しいタイトル：</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="466"/>
        <source>(no folder)</source>
        <translation>（フォルダーなし）</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="471"/>
        <source>Move to folder</source>
        <translation>フォルダーへ移動</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="472"/>
        <source>Folder (type a new name to create one):</source>
        <translation>フォルダー（新しい名前を入力すると作成します）：</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="546"/>
        <source>Deleted “{title}”.</source>
        <translation>「{title}」を削除しました。</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="537"/>
        <source>That conversation is no longer in your history.</source>
        <translation>その会話はもう履歴にありません。</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="593"/>
        <source>“{title}” was not deleted: {reason}</source>
        <translation>「{title}」は削除されませんでした: {reason}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/sidebar/sidebar.py" line="668"/>
        <source>%n result(s)</source>
        <translation>
            <numerusform>%n 件の結果</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="668"/>
        <source>Nothing found.</source>
        <translation>見つかりませんでした。</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="707"/>
        <source>＋ New chat</source>
        <translation>＋ 新しいチャット</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="708"/>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>新しい会話を始める (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="709"/>
        <source>New chat</source>
        <translation>新しいチャット</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="710"/>
        <source>Search all conversations (Ctrl+K)</source>
        <translation>すべての会話を検索 (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="712"/>
        <source>Search the text of every conversation; Enter opens the first result</source>
        <translation>すべての会話の本文を検索します。Enter で最初の結果を開きます</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="714"/>
        <source>Search conversations</source>
        <translation>会話を検索</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="715"/>
        <source>Conversations</source>
        <translation>会話</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="717"/>
        <source>Your conversations: F2 renames, Delete removes, right-click for more</source>
        <translation>会話一覧：F2 で名前を変更、Delete で削除、右クリックでその他の操作</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="719"/>
        <source>Search results</source>
        <translation>検索結果</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="720"/>
        <source>Matching messages; Enter opens one</source>
        <translation>一致したメッセージ。Enter で開きます</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="721"/>
        <source>Undo</source>
        <translation>元に戻す</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="722"/>
        <source>Bring the deleted conversation back</source>
        <translation>削除した会話を元に戻す</translation>
    </message>
    <message>
        <location filename="../../app/sidebar/sidebar.py" line="723"/>
        <source>Undo delete</source>
        <translation>削除を元に戻す</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <location filename="../../app/status_panel.py" line="113"/>
        <source>{tps:.1f} tokens/s</source>
        <translation>{tps:.1f} トークン/秒</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="118"/>
        <source>first token {ttft:.2f} s</source>
        <translation>最初のトークン {ttft:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="123"/>
        <source>Generation speed of the last answer</source>
        <translation>直前の回答の生成速度</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="126"/>
        <source>Time from sending to the first word of the last answer (reading the prompt)</source>
        <translation>送信から直前の回答の最初の語までの時間（プロンプトの読み込み）</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="132"/>
        <source>Generation speed</source>
        <translation>生成速度</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="135"/>
        <source>Time to first token</source>
        <translation>最初のトークンまでの時間</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="139"/>
        <source>image encode {s:.2f} s</source>
        <translation>画像エンコード {s:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="147"/>
        <source>Time the vision encoder took for the last image</source>
        <translation>直前の画像に視覚エンコーダーがかかった時間</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="152"/>
        <source>Image encode time</source>
        <translation>画像エンコード時間</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="154"/>
        <source>Loading the model…</source>
        <translation>モデルを読み込み中…</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="156"/>
        <source>Loading the model</source>
        <translation>モデルを読み込み中</translation>
    </message>
    <message>
        <location filename="../../app/status_panel.py" line="158"/>
        <source>Model</source>
        <translation>モデル</translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <location filename="../../app/crash.py" line="49"/>
        <source>Copy details</source>
        <translation>詳細をコピー</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="53"/>
        <source>Copy the details to the clipboard for a bug report</source>
        <translation>不具合報告用に詳細をクリップボードにコピー</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="77"/>
        <source>Hearth crashed last time</source>
        <translation>前回 Hearth が異常終了しました</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="78"/>
        <source>Hearth stopped unexpectedly the last time it ran. Your conversations are saved up to the last word written. The technical details are below.</source>
        <translation>前回の実行中に Hearth が予期せず停止しました。会話は最後に書かれた語まで保存されています。技術的な詳細は下にあります。</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="96"/>
        <source>Hearth hit a bug</source>
        <translation>Hearth で不具合が発生しました</translation>
    </message>
    <message>
        <location filename="../../app/crash.py" line="97"/>
        <source>Something went wrong inside Hearth. Your conversations are saved. Please copy the details below into a bug report.</source>
        <translation>Hearth の内部で問題が起きました。会話は保存されています。下の詳細をコピーして不具合報告に貼り付けてください。</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../../app/main.py" line="69"/>
        <source>Hearth is not responding</source>
        <translation>Hearth が応答しません</translation>
    </message>
    <message>
        <location filename="../../app/main.py" line="70"/>
        <source>Hearth is already running for this data folder but did not answer. Close it (or end it in your system monitor) and start Hearth again.</source>
        <translation>Hearth はこのデータフォルダーですでに実行中ですが、応答がありません。終了する（またはシステムモニターで終了させる）と、Hearth を再び起動できます。</translation>
    </message>
</context>
</TS>
