; Inno Setup 6 script: a per-user installer (no administrator rights) for the PyInstaller
; folder dist\mailsentry\ (mailsentry-gui.exe, mailsentry.exe, _internal\).
; Build on Windows from the repository root, after
;   .venv\Scripts\pyinstaller --noconfirm installer\mailsentry.spec
; with
;   iscc /DAppVersion=0.1.0 installer\windows\mailsentry.iss
; -> dist\mailsentry-0.1.0-setup.exe   (paths below are relative to this file)

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{32218694-3065-4468-A118-446348953BCD}
AppName=MailSentry
AppVersion={#AppVersion}
AppPublisher=The MailSentry authors
; Per user: {autopf} is %LOCALAPPDATA%\Programs when running without elevation.
PrivilegesRequired=lowest
DefaultDirName={autopf}\MailSentry
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=mailsentry-{#AppVersion}-setup
; Rendered from resources\icons\mailsentry.svg by installer\icons.py during the PyInstaller build.
SetupIconFile=..\..\build\mailsentry\icons\mailsentry.ico
UninstallDisplayIcon={app}\mailsentry-gui.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\mailsentry\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\MailSentry"; Filename: "{app}\mailsentry-gui.exe"
Name: "{autodesktop}\MailSentry"; Filename: "{app}\mailsentry-gui.exe"; Tasks: desktopicon

[Registry]
; "Start at login" is a value the app writes itself (HKCU\...\Run\MailSentry): remove it
; with the app, never create it here.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: none; ValueName: "MailSentry"; Flags: uninsdeletevalue dontcreatekey

[Run]
Filename: "{app}\mailsentry-gui.exe"; Description: "{cm:LaunchProgram,MailSentry}"; Flags: nowait postinstall skipifsilent
